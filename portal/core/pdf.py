"""Tagged PDFs with fpdf2: a structure tree (H1, H2, P, Table/TR/TH/TD) a screen reader can follow.

fpdf2 (2.8) writes a structure tree only for images and styled section titles, all flat under /Document.
``tagged_pdf(pdf)`` installs a builder that also nests elements (a table's rows and cells) and numbers
marked content per page; then every piece of text is drawn inside ``tagged(pdf, "P")`` (which writes
``/P <</MCID n>> BDC … EMC`` into the page and adds the StructElem), decorations (frames, lines) inside
``artifact(pdf)``, and tables through ``TaggedTable``. The catalog then gets /StructTreeRoot and
/MarkInfo <</Marked true>>; the caller sets the title (shown in the window) and /Lang.

fpdf2's structure classes are internal to it: tests/core/test_pdf.py pins what this module relies on.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFObject
from fpdf.table import Table


class _NestingTreeBuilder(StructureTreeBuilder):
    """fpdf2's builder, with elements inside elements and one marked-content counter per page."""

    def __init__(self, pdf: FPDF) -> None:
        super().__init__()
        self._pdf = pdf
        self._parents: list[StructElem] = [self.doc_struct_elem]
        self._next_mcid: dict[int, int] = defaultdict(int)
        self._elements: list[StructElem] = []

    def _element(self, struct_type: str, page_number: int, kids: list, title=None, alt=None) -> StructElem:
        parent = self._parents[-1]
        element = StructElem(struct_type=struct_type, parent=parent, kids=kids, page_number=page_number,
                             title=title, alt=alt)
        # fpdf2 sets /Pg only on the Document's children; the page object gets its number when written
        element.pg = self._pdf.pages[page_number]
        parent.k.append(element)
        self._elements.append(element)
        return element

    def add_marked_content(self, page_number: int, struct_type: str, mcid: Optional[int] = None,
                           title: Optional[str] = None, alt_text: Optional[str] = None) -> tuple[StructElem, int]:
        spid = self.spid_per_page_number.setdefault(page_number, len(self.spid_per_page_number))
        element = self._element(struct_type, page_number, [] if mcid is None else [mcid], title, alt_text)
        if mcid is not None:
            # the parent tree lists, per page, the element of each MCID in MCID order
            owners = self.struct_tree_root.parent_tree.nums[spid]
            if mcid != len(owners):
                raise FPDFException(f"marked content {mcid} out of order on page {page_number}")
            owners.append(element)
            self._next_mcid[page_number] = mcid + 1
        return element, spid

    def next_mcid_for_page(self, page_number: int) -> int:
        return self._next_mcid[page_number]

    @contextmanager
    def group(self, struct_type: str, page_number: int) -> Iterator[StructElem]:
        element = self._element(struct_type, page_number, [])
        self._parents.append(element)
        try:
            yield element
        finally:
            self._parents.pop()

    def __iter__(self) -> Iterator[PDFObject]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        yield from self._elements


def tagged_pdf(title: str, language: str, **page: Any) -> FPDF:
    """A new FPDF that builds a nested structure tree; title shown in the viewer's window, /Lang set."""
    pdf = FPDF(**page)
    pdf.struct_builder = _NestingTreeBuilder(pdf)
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    return pdf


def _builder(pdf: FPDF) -> _NestingTreeBuilder:
    builder = pdf.struct_builder
    if not isinstance(builder, _NestingTreeBuilder):
        raise TypeError("make the FPDF with tagged_pdf()")
    return builder


@contextmanager
def tagged(pdf: FPDF, tag: str, *, title: Optional[str] = None) -> Iterator[StructElem]:
    """What is drawn inside is one structure element ``tag`` ("H1", "P", "TD" …), on one page."""
    page = pdf.page
    mcid = _builder(pdf).next_mcid_for_page(page)
    element = pdf._add_marked_content(struct_type=f"/{tag}", mcid=mcid, title=title)  # noqa: SLF001
    pdf._out(f"/{tag} <</MCID {mcid}>> BDC")  # noqa: SLF001
    yield element
    if pdf.page != page:
        raise FPDFException(f"a page break inside tagged /{tag}: check the height before drawing")
    pdf._out("EMC")  # noqa: SLF001


@contextmanager
def group(pdf: FPDF, tag: str) -> Iterator[StructElem]:
    """An element holding elements (a /Table holds /TR, a /TR holds /TH and /TD, a /BlockQuote holds /P)."""
    with _builder(pdf).group(f"/{tag}", pdf.page) as element:
        yield element


@contextmanager
def artifact(pdf: FPDF) -> Iterator[None]:
    """Decoration a screen reader skips: frames, rules, signature lines, repeated headings."""
    pdf._out("/Artifact BMC")  # noqa: SLF001
    yield
    pdf._out("EMC")  # noqa: SLF001


def text_block(pdf: FPDF, tag: str, text: str, *, w: float = 0, h: float = 5, align: str = "L",
               keep_on_page: bool = True, **cell: Any) -> None:
    """``multi_cell`` as one tagged element; moves to a new page first when the block would not fit.

    A marked-content sequence must not cross a page, so a block is kept whole (blocks are paragraphs).
    """
    if keep_on_page and pdf.auto_page_break:
        height = pdf.multi_cell(w, h, text, align=align, dry_run=True, output="HEIGHT", **cell)
        if pdf.will_page_break(height):
            pdf.add_page()
    cell.setdefault("new_x", XPos.LMARGIN)
    cell.setdefault("new_y", YPos.NEXT)
    with tagged(pdf, tag):
        pdf.multi_cell(w, h, text, align=align, **cell)


class TaggedTable(Table):
    """fpdf2's table as /Table → /TR → /TH (heading rows) or /TD; heading rows repeated on a new page are
    artifacts (the reader has heard them). Use ``with tagged_table(pdf, …) as table``."""

    def __init__(self, fpdf: FPDF, *args: Any, **kwargs: Any) -> None:
        super().__init__(fpdf, *args, **kwargs)
        self._rendered_rows: set[int] = set()
        self._repeating = False

    def _render_table_row(self, i: int, row_layout_info: Any, cell_x_positions: Any, **kwargs: Any) -> None:
        if i in self._rendered_rows:
            self._repeating = True
            try:
                with artifact(self._fpdf):
                    super()._render_table_row(i, row_layout_info, cell_x_positions, **kwargs)
            finally:
                self._repeating = False
            return
        self._rendered_rows.add(i)
        with group(self._fpdf, "TR"):
            super()._render_table_row(i, row_layout_info, cell_x_positions, **kwargs)

    def _render_table_cell(self, i: int, j: int, cell: Any, row_height: float, cell_height_info: Any = None,
                           cell_x_positions: Any = None, **kwargs: Any):
        if cell_height_info is None or self._repeating:  # a height query, or inside an artifact
            return super()._render_table_cell(i, j, cell, row_height, cell_height_info, cell_x_positions, **kwargs)
        with tagged(self._fpdf, "TH" if i < self._num_heading_rows else "TD"):
            return super()._render_table_cell(i, j, cell, row_height, cell_height_info, cell_x_positions, **kwargs)


@contextmanager
def tagged_table(pdf: FPDF, **options: Any) -> Iterator[TaggedTable]:
    """Like ``pdf.table(**options)``, tagged."""
    table = TaggedTable(pdf, **options)
    yield table
    with group(pdf, "Table"):
        table.render()
