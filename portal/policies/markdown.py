"""Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises, then headings get anchors.

Raw HTML in the Markdown is not rendered at all (``html: False``: it shows as text), and the
sanitiser's allowlist is the second wall: only the tags, attributes and URL schemes below survive.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src"}
#: headings that get an anchor and a table-of-contents entry
TOC_LEVELS = ("2", "3")

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([^/?#]*?):")
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.DOTALL)
_ANCHORED_HEADING = re.compile(r'<h([23]) id="([a-z0-9-]+)">(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th>(.*?)</th>", re.DOTALL)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def heading_open(self, tokens, idx, options, env):
        # The page title is the only h1: a "# heading" in the body becomes an h2.
        if tokens[idx].tag == "h1":
            tokens[idx].tag = "h2"
            tokens[idx + 2].tag = "h2"
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    return md


_MD = _markdown()


def is_safe_url(value: str) -> bool:
    """True for relative URLs and the allowed schemes, however the scheme is disguised.

    Browsers ignore tabs, newlines and leading control characters inside a scheme
    (``jav&#x09;ascript:``) and an attacker may percent-encode them: both are removed
    before the scheme is read.
    """
    cleaned = _CONTROL_OR_SPACE.sub("", html.unescape(value))
    cleaned = _CONTROL_OR_SPACE.sub("", unquote(cleaned))
    match = _SCHEME.match(cleaned)
    if match is None:
        return True
    return match.group(1).lower() in URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str):
    if attribute in URL_ATTRIBUTES and not is_safe_url(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitise_html(fragment: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return _CLEANER.clean(fragment)


def slugify(text: str) -> str:
    """"Financiële belangen" → "financiele-belangen" (ASCII letters, digits and hyphens)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-")


@dataclass
class TocEntry:
    anchor: str
    text: str
    level: int
    children: list["TocEntry"] = field(default_factory=list)


def _heading_text(inner_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", inner_html)).split())


def _add_anchors(safe_html: str) -> str:
    """Give every h2/h3 a unique id ("h-" + slug) so it can be linked and listed."""
    used: set[str] = set()

    def anchor(match: re.Match) -> str:
        base = "h-" + (slugify(_heading_text(match.group(2))) or "sectie")
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        return f'<h{match.group(1)} id="{candidate}">{match.group(2)}</h{match.group(1)}>'

    return _HEADING.sub(anchor, safe_html)


def _wrap_tables(safe_html: str) -> str:
    """Put each table in the portal's scrollable, keyboard-reachable wrapper, named after its columns."""

    def wrap(match: re.Match) -> str:
        columns = [_heading_text(cell) for cell in _HEADER_CELL.findall(match.group(1))]
        label = html.escape(", ".join(c for c in columns if c)[:200] or "-", quote=True)
        return (
            f'<div class="portal-table-wrapper" tabindex="0" role="region" aria-label="{label}">'
            f'<table class="utrecht-table">{match.group(1)}</table></div>'
        )

    return _TABLE.sub(wrap, safe_html)


@lru_cache(maxsize=64)
def table_of_contents(anchored_html: str) -> list[TocEntry]:
    """The h2/h3 headings of rendered HTML as a two-level list (read it, do not change it).

    Kept per text: a policy page shows the same published text to everyone, and reading its
    headings again took 0.15 ms of every request for the code of conduct (14 headings in 21,000
    characters); looking the text up costs a tenth of that. A new version is another text.
    """
    toc: list[TocEntry] = []
    for level, anchor, inner in _ANCHORED_HEADING.findall(anchored_html):
        entry = TocEntry(anchor=anchor, text=_heading_text(inner), level=int(level))
        if entry.level == 3 and toc:
            toc[-1].children.append(entry)
        else:
            toc.append(entry)
    return toc


def render_markdown(text: str) -> tuple[str, list[TocEntry]]:
    """Markdown → (sanitised HTML with heading anchors, table of contents)."""
    anchored = _wrap_tables(_add_anchors(sanitise_html(_MD.render(text or ""))))
    return anchored, table_of_contents(anchored)


def toc_size(toc: list[TocEntry]) -> int:
    return sum(1 + len(entry.children) for entry in toc)


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "pre", "blockquote", "br", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The readable text of (sanitised) HTML, one line per block."""
    parser = _TextExtractor()
    parser.feed(fragment or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
