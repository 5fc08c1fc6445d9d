"""Hostile Markdown and HTML never reach a page as active markup."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.policies.markdown import ALLOWED_TAGS, render_markdown, sanitise_html

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
#: tags the renderer itself adds around tables
RENDERER_TAGS = {"div"}
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "xlink:href", "background", "data"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def _scheme(url: str) -> str | None:
    """The scheme a browser would see, after removing every disguise an attacker may use."""
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", html.unescape(url))
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", unquote(cleaned))
    match = re.match(r"^([^/?#]*?):", cleaned)
    return match.group(1).lower() if match else None


def assert_inert(output: str) -> None:
    """Parse the output as a browser would and check every tag, attribute and URL."""
    collector = _Collector()
    collector.feed(output)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS | RENDERER_TAGS, f"tag <{tag}> survived in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived in {output!r}"
            assert name not in FORBIDDEN_ATTRIBUTES, f"attribute {name} survived in {output!r}"
            if name in ("href", "src"):
                scheme = _scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} survived in {output!r}"
    lowered = output.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<iframe" not in lowered


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" OnErRoR="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java%09script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- --><script>alert(1)</script><!-- -->",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java%0ascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x]: javascript:alert(1)\n\nSee [x].",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://example.org/x.png" onerror="alert(1))',
    "<javascript:alert(1)>",
    "**bold <img src=x onerror=alert(1)>** and `<script>` in code",
    "# Heading <script>alert(1)</script>\n\n## <img src=x onerror=alert(1)>",
    "| a | <script>alert(1)</script> |\n|---|---|\n| <svg onload=alert(1)> | [x](javascript:alert(1)) |",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markdown_renders_inert(hostile):
    output, _toc = render_markdown(hostile)
    assert_inert(output)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sanitiser_alone_neutralises_hostile_html(hostile):
    """The second wall holds even if raw HTML ever reached it."""
    assert_inert(sanitise_html(hostile))


def test_raw_html_in_markdown_is_shown_as_text():
    output, _toc = render_markdown("Say <script>alert(1)</script> and <b>bold</b>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output
    assert "<b>" not in output


def test_safe_links_survive_with_noopener():
    output, _toc = render_markdown(
        "[site](https://example.org) [mail](mailto:vp@example.nl) [call](tel:+31300000001) [page](/advisers)"
    )
    assert 'href="https://example.org"' in output
    assert 'href="mailto:vp@example.nl"' in output
    assert 'href="tel:+31300000001"' in output
    assert 'href="/advisers"' in output
    assert output.count('rel="noopener noreferrer"') == 4


def test_headings_get_unique_anchors_and_a_table_of_contents():
    output, toc = render_markdown("# Top\n\n## Financiële belangen\n\n### Wat je meldt\n\n## Financiële belangen\n")
    assert "<h1" not in output  # the page title is the only h1
    assert '<h2 id="h-top">Top</h2>' in output
    assert '<h2 id="h-financiele-belangen">' in output and '<h2 id="h-financiele-belangen-2">' in output
    assert [e.anchor for e in toc] == ["h-top", "h-financiele-belangen", "h-financiele-belangen-2"]
    assert [c.text for c in toc[1].children] == ["Wat je meldt"]


def test_tables_are_wrapped_for_small_screens_and_named_after_their_columns():
    output, _toc = render_markdown("| Route | Voor <x> |\n|---|---|\n| a | b |")
    assert '<div class="portal-table-wrapper" tabindex="0" role="region" aria-label="Route, Voor &lt;x&gt;">' in output
    assert '<table class="utrecht-table">' in output


_FRAGMENTS = st.sampled_from(
    ["<", ">", "script", "svg", "img", " src=", " onerror=", " href=", "javascript:", "JaVa", "&#x09;", "&#106;",
     "data:", "[x](", ")", "![", "\"", "'", "`", "\n", "=", "alert(1)", "<a ", "</", "style", "%0a", "#", " "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_random_hostile_fragments_never_become_markup(text):
    output, _toc = render_markdown(text)
    assert_inert(output)
    assert_inert(sanitise_html(text))
