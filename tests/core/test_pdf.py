"""portal/core/pdf.py: tagged PDFs a screen reader can follow (structure tree, marked content, artifacts)."""

from __future__ import annotations

import pytest
from fpdf.fonts import FontFace

from portal.core.pdf import artifact, tagged_pdf, tagged_table, text_block
from tests.support.pdf_tags import page_content, parent_tree_matches, read, structure_tree


def _document(rows: int) -> bytes:
    pdf = tagged_pdf("Proef", "nl", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    with artifact(pdf):
        pdf.line(10, 10, 200, 10)
    text_block(pdf, "H1", "Kop")
    text_block(pdf, "P", "Een alinea.")
    with tagged_table(pdf, headings_style=FontFace(emphasis="BOLD"), repeat_headings=1) as table:
        table.row(["Jaar", "Aantal"])
        for i in range(rows):
            table.row([str(2000 + i), str(i)])
    text_block(pdf, "H2", "Daarna")
    text_block(pdf, "P", "Laatste alinea. " * 40)
    return bytes(pdf.output())


def test_catalog_says_tagged_with_title_and_language():
    reader = read(_document(3))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "nl" and "/StructTreeRoot" in root
    assert reader.metadata.title == "Proef" and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.parametrize("rows", [3, 90])  # 90 rows: the table runs over three pages
def test_table_is_nested_and_every_text_is_tagged_or_an_artifact(rows):
    reader = read(_document(rows))
    tree = structure_tree(reader)
    [document] = tree.children
    assert [e.tag for e in document.children] == ["/H1", "/P", "/Table", "/H2", "/P"]
    table = document.children[2]
    assert [r.tag for r in table.children] == ["/TR"] * (rows + 1)
    assert [c.tag for c in table.children[0].children] == ["/TH", "/TH"]
    assert all([c.tag for c in r.children] == ["/TD", "/TD"] for r in table.children[1:])
    assert len(reader.pages) == (1 if rows == 3 else 3)
    repeated = 0
    for number in range(len(reader.pages)):
        content = page_content(reader, number)
        assert content.untagged == 0
        repeated += content.artifacts
    # the heading row drawn again on pages 2 and 3 is an artifact (two cells each), not a second /TH
    assert repeated == (0 if rows == 3 else 4)
    assert parent_tree_matches(reader)


def test_a_paragraph_that_does_not_fit_starts_on_the_next_page():
    pdf = tagged_pdf("Proef", "nl", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.set_y(270)
    text_block(pdf, "P", "Een lange alinea die niet meer op deze bladzijde past. " * 8)
    reader = read(bytes(pdf.output()))
    assert len(reader.pages) == 2 and page_content(reader, 0).tagged == []
    assert page_content(reader, 1).untagged == 0 and parent_tree_matches(reader)
