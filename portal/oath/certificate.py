"""The certificate (oorkonde) as a PDF.

The layout is Python code and nobody can edit it in the portal; names and
other data are only ever placed as text, never interpreted as markup. The font
ships with the portal (portal/oath/fonts, DejaVu Serif) so every name renders
the same on any machine, including letters outside Latin-1 such as "ı".

The words printed are the ones stored with the oath record when it was taken
(``OathRecord.wording``), never today's text. The PDF is tagged (portal/core/pdf.py):
the heading is /H1, every other text a /P, the words spoken a /BlockQuote, the
frame and the signature lines artifacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from portal.core.pdf import artifact, group, tagged, tagged_pdf, text_block
from portal.oath.display import long_date
from portal.oath.formulas import FORMULA_NOUNS
from portal.oath.states import Formula

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVuSerif"
INK = (31, 41, 55)
ACCENT = (21, 66, 115)


@dataclass(frozen=True)
class CertificateData:
    organisation: str
    name: str
    formula: Formula
    taken_on: date
    official: str
    #: the sentences spoken, as stored with the record; empty when the portal does not know them
    lines: tuple[str, ...] = ()


#: words that already start a noun phrase: no article before them
_ARTICLES = {"de", "het", "een", "mevrouw", "meneer", "dhr.", "mevr.", "mw.", "heer"}

#: offices HR may type with a capital ("Burgemeester"); in the sentence they take "de" and a small letter
_OFFICES = {"burgemeester", "loco-burgemeester", "wethouder", "gemeentesecretaris", "secretaris", "directeur",
            "portefeuillehouder", "voorzitter", "dijkgraaf", "commissaris", "gedeputeerde"}


def with_article(official: str) -> str:
    """ "burgemeester" or "Burgemeester" → "de burgemeester"; a name ("Jan Smit") or "de wethouder" stays."""
    words = official.split()
    if not words or words[0].lower() in _ARTICLES:
        return official
    first = words[0].rstrip(",")
    if first.lower() in _OFFICES:
        return "de " + " ".join([words[0].lower(), *words[1:]])
    if words[0][:1].isupper():
        return official
    return f"de {official}"


def render_certificate(data: CertificateData) -> bytes:
    """A one-page A4 PDF, ready to print and sign, tagged for screen readers."""
    noun = FORMULA_NOUNS[Formula(data.formula)]
    pdf = tagged_pdf(f"Oorkonde – {data.name}", "nl", orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.set_author(data.organisation)
    pdf.set_creator("Integriteitsportaal")
    pdf.set_subject(f"Oorkonde: {data.name} heeft {noun} afgelegd")
    pdf.set_keywords("oorkonde ambtseed ambtsbelofte")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    _frame(pdf)

    pdf.set_y(32)
    pdf.start_section("Oorkonde")
    _centred(pdf, data.organisation, size=15, style="B", colour=ACCENT, height=8)
    pdf.ln(10)
    _centred(pdf, "Oorkonde", size=38, style="B", colour=ACCENT, height=16, tag="H1")
    pdf.ln(10)
    _centred(pdf, "Hierbij wordt verklaard dat", size=12)
    pdf.ln(4)
    _centred(pdf, data.name, size=24, style="B", height=11)
    pdf.ln(4)
    taken = f"op {long_date(data.taken_on)} ten overstaan van {with_article(data.official)} {noun} heeft afgelegd"
    if not data.lines:  # the words were not recorded (an oath taken before the portal kept them)
        _centred(pdf, taken + ".", size=12)
    else:
        _centred(pdf, taken + ", met de volgende woorden:", size=12)
        pdf.ln(8)
        pdf.start_section("De woorden van " + noun, level=1)
        size = _words_size(pdf, data.lines, room=pdf.h - 70 - pdf.get_y())
        with group(pdf, "BlockQuote"):
            for line in data.lines:
                pdf.set_x(35)
                pdf.set_font(FONT, "", size)
                pdf.set_text_color(*INK)
                text_block(pdf, "P", line, w=140, h=size * 0.54, align="C")
                pdf.ln(size * 0.22)
    _signatures(pdf, data)
    return bytes(pdf.output())


#: font sizes for the words spoken, largest first: HR's wording may be longer than the model text
_WORDS_SIZES = (11.5, 10.5, 9.5, 8.5, 7.5, 6.5)


def _words_size(pdf: FPDF, lines: tuple[str, ...], room: float) -> float:
    """The largest size at which the words fit above the signatures (the smallest when none does)."""
    for size in _WORDS_SIZES:
        pdf.set_font(FONT, "", size)
        height = sum(pdf.multi_cell(140, size * 0.54, line, align="C", dry_run=True, output="HEIGHT") + size * 0.22
                     for line in lines)
        if height <= room:
            return size
    return _WORDS_SIZES[-1]


def _frame(pdf: FPDF) -> None:
    with artifact(pdf):
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
        pdf.set_line_width(0.3)
        pdf.rect(15, 15, pdf.w - 30, pdf.h - 30)


def _centred(pdf: FPDF, text: str, *, size: float, style: str = "", colour=INK, height: float = 7,
             tag: str = "P") -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    text_block(pdf, tag, text, h=height, align="C")


def _signatures(pdf: FPDF, data: CertificateData) -> None:
    top = pdf.h - 70
    width = 70
    columns = (
        (pdf.l_margin, data.name, "handtekening medewerker"),
        (pdf.w - pdf.r_margin - width, data.official, "handtekening namens het college"),
    )
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    for x, name, role in columns:
        with artifact(pdf):
            pdf.line(x, top + 20, x + width, top + 20)
        pdf.set_xy(x, top + 22)
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_text_color(*INK)
        text_block(pdf, "P", name, w=width, h=5, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(x)
        pdf.set_font(FONT, "", 9)
        text_block(pdf, "P", role, w=width, h=4.5, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, pdf.h - 32)
    pdf.set_font(FONT, "", 9)
    text_block(pdf, "P", f"{data.organisation} · {long_date(data.taken_on)}", h=4.5, align="C")
