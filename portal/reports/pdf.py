"""The annual report as a PDF for the council.

Tagged (portal/core/pdf.py): the title is /H1, each section's title /H2, text /P, each table
/Table → /TR → /TH /TD (its heading row repeated on a new page is an artifact), each chart a
/Figure with a text alternative that gives the numbers in words; the document title is shown in
the viewer's title bar, the language is the reader's (nl or en), and each section has a bookmark.
Text is only ever placed as text, never interpreted.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace
from flask_babel import get_locale

from portal.core.i18n import gettext as _
from portal.core.pdf import tagged_pdf, tagged_table, text_block
from portal.oath.certificate import FONT, FONT_DIR
from portal.reports.report import AnnualReport, ReportSection

INK = (31, 41, 55)
ACCENT = (1, 104, 155)
GREY = (102, 102, 102)


def chart_svg(section: ReportSection) -> bytes:
    """The section's small chart: one bar per year, oldest left; the newest year in the accent colour."""
    bars = []
    for index, bar in enumerate(section.bars):
        colour = "#01689b" if index == len(section.bars) - 1 else "#666666"
        x = 10 + index * 40
        bars.append(f'<rect x="{x}" y="{70 - bar.height}" width="28" height="{bar.height}" fill="{colour}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="250" height="72" viewBox="0 0 250 72">'
            f'<line x1="0" y1="70.5" x2="250" y2="70.5" stroke="#000000" stroke-width="1"/>{"".join(bars)}</svg>'
            ).encode()


def chart_text(section: ReportSection) -> str:
    """The chart in words (its text alternative): the figure per year."""
    values = ", ".join(f"{bar.year}: {bar.shown}" for bar in section.bars)
    return _("Staafdiagram van %(label)s per jaar: %(values)s.", label=section.chart_label, values=values)


def render_report_pdf(report: AnnualReport, organisation: str) -> bytes:
    """A4 portrait: title, per section the chart, the table of six years and the explanation."""
    title = _("Jaarverslag integriteit %(year)d", year=report.year)
    # the reader's language: Dutch for the council
    pdf = tagged_pdf(f"{title} – {organisation}", str(get_locale() or "nl"),
                     orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.set_author(organisation)
    pdf.set_subject(_("Meldingen, onderzoeken, vertrouwenspersonen, verklaringen en de ambtseed"))
    pdf.set_creator("Integriteitsportaal")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.start_section(title, level=0)
    pdf.set_font(FONT, "B", 20)
    text_block(pdf, "H1", title, h=10)
    pdf.set_font(FONT, "", 10)
    intro = _("%(organisation)s. Cijfers over %(year)d naast het jaar ervoor en de vier jaren daarvoor.",
              organisation=organisation, year=report.year)
    if report.is_closed:
        intro += " " + _("Dit jaar is afgesloten: de cijfers liggen vast.")
    text_block(pdf, "P", intro, h=5)
    pdf.ln(4)
    for section in report.sections:
        _section(pdf, report, section)
    return bytes(pdf.output())


def _section(pdf: FPDF, report: AnnualReport, section: ReportSection) -> None:
    if pdf.will_page_break(40 + 6 * len(section.rows)):
        pdf.add_page()
    pdf.start_section(section.title, level=1)
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*ACCENT)
    text_block(pdf, "H2", section.title, h=6.5)
    pdf.set_text_color(*INK)
    pdf.ln(1)
    pdf.image(chart_svg(section), w=62, h=18, alt_text=chart_text(section), title=section.chart_label)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*GREY)
    # the years under the bars: the figure's text alternative already names them
    text_block(pdf, "P", "   ".join(str(bar.year) for bar in section.bars), h=3.5)
    pdf.set_text_color(*INK)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8.5)
    widths = (64,) + (17,) * len(report.years)
    with tagged_table(pdf, col_widths=widths, text_align=("LEFT",) + ("RIGHT",) * len(report.years),
                   headings_style=FontFace(emphasis="BOLD"), repeat_headings=1, line_height=5) as table:
        table.row([_("Onderwerp"), *[str(y) for y in report.years]])
        for row in section.rows:
            cells = table.row()
            style = FontFace(emphasis="BOLD") if row.is_total else None
            cells.cell(row.label, style=style)
            for shown in row.shown:
                cells.cell(shown, style=style)
    if section.explanation:
        pdf.ln(2)
        pdf.set_font(FONT, "", 9.5)
        text_block(pdf, "P", section.explanation, h=4.8)
    pdf.ln(5)
