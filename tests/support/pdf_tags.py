"""Reading a tagged PDF as a screen reader would: the structure tree and what content it covers."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ContentStream

_TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


@dataclass
class Element:
    tag: str
    children: list["Element"] = field(default_factory=list)
    mcids: list[int] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def tags(self) -> list[str]:
        return [e.tag for e in self.walk()]


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def structure_tree(reader: PdfReader) -> Element:
    """The tree under /StructTreeRoot, as tags with their children and MCIDs."""

    def build(node) -> Element:
        node = node.get_object()
        element = Element(str(node.get("/S", node.get("/Type"))))
        kids = node.get("/K", [])
        if not isinstance(kids, list):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                element.mcids.append(int(kid))
            else:
                element.children.append(build(kid))
        return element

    return build(reader.trailer["/Root"]["/StructTreeRoot"])


@dataclass
class PageContent:
    #: text-showing operators inside marked content with an MCID (tag, mcid)
    tagged: list[tuple[str, int]]
    #: text-showing operators inside /Artifact
    artifacts: int
    #: text-showing operators outside both: a screen reader does not find them
    untagged: int
    #: MCIDs in the order the page's content opens them
    mcids: list[int]


def page_content(reader: PdfReader, page_number: int) -> PageContent:
    page = reader.pages[page_number]
    operations = ContentStream(page.get_contents(), reader).operations
    stack: list[tuple[str, int | None]] = []
    result = PageContent([], 0, 0, [])
    for operands, operator in operations:
        if operator == b"BDC":
            mcid = operands[1].get("/MCID") if hasattr(operands[1], "get") else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            if mcid is not None:
                result.mcids.append(int(mcid))
        elif operator == b"BMC":
            stack.append((str(operands[0]), None))
        elif operator == b"EMC":
            stack.pop()
        elif operator in _TEXT_SHOWING:
            if any(tag == "/Artifact" for tag, _ in stack):
                result.artifacts += 1
            elif any(mcid is not None for _, mcid in stack):
                tag, mcid = next((t, m) for t, m in reversed(stack) if m is not None)
                result.tagged.append((tag, mcid))
            else:
                result.untagged += 1
    assert not stack, "marked content left open at the end of the page"
    return result


def parent_tree_matches(reader: PdfReader) -> bool:
    """Each page's /StructParents entry lists, in MCID order, the element whose /K holds that MCID."""
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(reader.pages):
        mcids = page_content(reader, number).mcids
        if not mcids:
            continue
        listed = owners[int(page["/StructParents"])]
        if len(listed) != len(mcids) or sorted(mcids) != list(range(len(mcids))):
            return False
        for mcid in mcids:
            element = listed[mcid].get_object()
            kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
            if mcid not in [int(k) for k in kids if isinstance(k, int)]:
                return False
            if element.raw_get("/Pg").idnum != page.indirect_reference.idnum:
                return False
    return True
