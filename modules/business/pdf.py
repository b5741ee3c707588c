"""A ``Sheet`` laid out on A4 as a PDF.

Why fpdf2: pure Python (one small wheel from PyPI, no browser, no system library), it embeds
TrueType fonts as Unicode subsets through fontTools, breaks long tables across pages with their
headings repeated, and places PNG/JPEG logos through Pillow. The font is Adobe's Source Sans Pro
from the ``font-source-sans-pro`` package (SIL OFL): Latin with Central European accents, Greek,
Cyrillic and the euro sign, so "Dvořák", "Łódź" or "€" print as written; reportlab's bundled Vera
lacks ř, ő, ę and others. No system font is read, so every machine renders the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modules.business import formatting as fmt
from modules.business.sheet import Party, Sheet

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "Source Sans"
INK, GREY, RULE, SHADE = (33, 37, 41), (108, 117, 125), (206, 212, 218), (241, 243, 245)
LEFT, RIGHT_EDGE, WIDTH = 18.0, 192.0, 174.0


STYLES = {"": "Regular", "B": "Bold", "I": "It"}


@cache
def font_file(style: str = "") -> str:
    """The TrueType file of a style ("", "B", "I") of the documents' font, from its PyPI package."""
    import font_source_sans_pro

    return str(Path(font_source_sans_pro.__file__).parent / "files" / f"SourceSansPro-{STYLES[style]}.ttf")


@cache
def _page_class() -> Callable[[Sheet], FPDF]:
    """fpdf2 loads on the first document (~0.1 s of imports), not with every process that lists modules."""
    from fpdf import FPDF

    class Page(FPDF):
        def __init__(self, sheet: Sheet) -> None:
            super().__init__(format="A4")
            self.sheet = sheet
            for style in STYLES:
                self.add_font(FONT, style, font_file(style))
            self.set_margins(LEFT, 16, 210 - RIGHT_EDGE)
            self.set_auto_page_break(auto=True, margin=28)
            self.set_creation_date(sheet.issued_at)
            self.set_title(f"{sheet.title} {sheet.number or '(draft)'}")
            self.set_author(sheet.seller.name)
            self.set_creator("Pilothouse")
            self.set_lang(sheet.locale.replace("_", "-"))

        def footer(self) -> None:
            self.set_y(-22)
            self.set_draw_color(*RULE)
            self.line(LEFT, self.get_y(), RIGHT_EDGE, self.get_y())
            self.ln(1.5)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*GREY)
            for line in self.sheet.footer:
                self.cell(WIDTH - 22, 3.6, line, new_x="LMARGIN", new_y="NEXT")
            self.set_xy(RIGHT_EDGE - 22, -20.5)
            self.cell(22, 3.6, f"Page {self.page_no()} of {{nb}}", align="R")

    return Page


def render(sheet: Sheet) -> bytes:
    pdf: Any = _page_class()(sheet)
    pdf.add_page()
    _header(pdf, sheet)
    _parties(pdf, sheet)
    _paragraphs(pdf, sheet.intro)
    if sheet.items:
        _items(pdf, sheet)
    _totals(pdf, sheet)
    if sheet.payment:
        _section(pdf, "Payment", sheet.payment)
    _paragraphs(pdf, sheet.terms, size=8.5)
    return bytes(pdf.output())


def _header(pdf: Any, sheet: Sheet) -> None:
    top = pdf.get_y()
    if sheet.logo:
        pdf.image(io.BytesIO(sheet.logo), x=LEFT, y=top, h=16, w=50, keep_aspect_ratio=True)
    else:
        pdf.set_font(FONT, "B", 15)
        pdf.set_text_color(*INK)
        pdf.set_xy(LEFT, top + 2)
        pdf.cell(100, 8, sheet.seller.name)
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*INK)
    pdf.set_xy(RIGHT_EDGE - 80, top)
    pdf.cell(80, 9, sheet.title.upper(), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*GREY)
    pdf.set_x(RIGHT_EDGE - 80)
    pdf.cell(80, 5, sheet.number or "DRAFT - not valid as a document", align="R")
    if sheet.number is None:
        _draft_mark(pdf)
    pdf.set_y(top + 26)


def _draft_mark(pdf: Any) -> None:
    pdf.set_font(FONT, "B", 90)
    pdf.set_text_color(235, 236, 238)
    with pdf.rotation(35, 105, 160):
        pdf.text(38, 180, "DRAFT")


def _parties(pdf: Any, sheet: Sheet) -> None:
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.cell(WIDTH, 4, " · ".join([sheet.seller.name, *sheet.seller.lines]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    top = pdf.get_y()
    _party(pdf, sheet.buyer_label, sheet.buyer, width=92)
    left_end = pdf.get_y()
    pdf.set_xy(RIGHT_EDGE - 74, top)
    for label, value in sheet.facts:
        pdf.set_x(RIGHT_EDGE - 74)
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*GREY)
        pdf.cell(32, 5, label)
        pdf.set_font(FONT, "B", 9)
        pdf.set_text_color(*INK)
        pdf.cell(42, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    _party_details(pdf, sheet.seller, x=RIGHT_EDGE - 74)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)


def _party(pdf: Any, label: str, party: Party, *, width: float) -> None:
    pdf.set_font(FONT, "B", 7.5)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 4, label.upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width, 5.5, party.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for line in party.lines:
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    for label_, value in party.details:
        pdf.cell(width, 5, f"{label_}: {value}", new_x="LMARGIN", new_y="NEXT")


def _party_details(pdf: Any, seller: Party, *, x: float) -> None:
    """The seller's numbers under the facts, where an accountant looks for them."""
    for label, value in seller.details:
        pdf.set_x(x)
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*GREY)
        pdf.cell(32, 5, label)
        pdf.set_text_color(*INK)
        pdf.cell(42, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")


def _paragraphs(pdf: Any, paragraphs: tuple[str, ...], *, size: float = 10) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*INK)
    for text in paragraphs:
        pdf.multi_cell(WIDTH, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _items(pdf: Any, sheet: Sheet) -> None:
    locale, discounted = sheet.locale, any(i.discount_percent for i in sheet.items)
    headings = ["Description", "Qty", "Unit price", *(["Discount"] if discounted else []), "Tax", "Amount"]
    widths = (80 - (18 if discounted else 0), 14, 26, *((18,) if discounted else ()), 16, 28)
    align = ("LEFT", *("RIGHT",) * (len(widths) - 1))
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    from fpdf import FontFace

    heading = FontFace(emphasis="BOLD", color=GREY, fill_color=SHADE)
    with pdf.table(width=WIDTH, col_widths=widths, text_align=align, headings_style=heading, line_height=5.6,
                   borders_layout="HORIZONTAL_LINES", padding=(1.2, 1.5)) as table:
        table.row(headings)
        for item in sheet.items:
            table.row([item.description, fmt.number(item.quantity, locale), sheet.money(item.unit_price_cents),
                       *([fmt.rate(item.discount_percent, locale) if item.discount_percent else ""]
                         if discounted else []),
                       fmt.rate(item.tax_rate_percent, locale), sheet.money(item.net_cents)])
    pdf.ln(3)


def _totals(pdf: Any, sheet: Sheet) -> None:
    x, label_w, amount_w = RIGHT_EDGE - 96, 66, 30
    rows: list[tuple[str, int, bool]] = [("Subtotal", sum(net for _, net, _ in sheet.taxes), False)] if sheet.taxes \
        else []
    for rate, net, tax in sheet.taxes:
        rows.append((f"Tax {fmt.rate(rate, sheet.locale)} on {sheet.money(net)}", tax, False))
    for label, cents, strong in sheet.totals:
        rows.append((label, cents, strong))
    ruled = False
    for label, cents, strong in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        pdf.set_x(x)
        if strong and not ruled:  # one rule, above the first figure that counts (the total)
            ruled = True
            pdf.set_draw_color(*INK)
            pdf.line(x, pdf.get_y() + 0.5, RIGHT_EDGE, pdf.get_y() + 0.5)
            pdf.ln(1)
            pdf.set_x(x)
        pdf.set_font(FONT, "B" if strong else "", 11 if strong else 9.5)
        pdf.set_text_color(*INK)
        pdf.cell(label_w, 6, label, align="R")
        pdf.cell(amount_w, 6, sheet.money(cents), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _section(pdf: Any, title: str, lines: tuple[str, ...]) -> None:
    if pdf.will_page_break(8 + 5 * len(lines)):
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*INK)
    pdf.cell(WIDTH, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for line in lines:
        pdf.multi_cell(WIDTH, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
