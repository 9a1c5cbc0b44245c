"""The pages Gemcare prints as PDF: the plan certificate and the policy declarations.

Both are drawn alike (docs/decisions/0014): fpdf2 with a Unicode TrueType font that ships in
a Python package (Noto Sans), so names and state notices print as written and the text stays
extractable; a character the font has no glyph for is printed as "?" rather than dropped or
drawn as an empty box. One page class keeps the two documents' look the same.
"""

import unicodedata
from collections.abc import Iterable
from functools import cache

import fontpkg_noto_sans
from fpdf import FPDF

FONT = "noto-sans"


@cache
def font_path() -> str:
    return str(fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf")


class Page(FPDF):
    """A Letter page with the font loaded, a footer naming the document and its page, and
    headings and paragraphs in the house style."""

    def __init__(self) -> None:
        super().__init__(format="Letter")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_font(FONT, "", font_path())
        self.set_font(FONT, size=10)
        self._glyphs = self.current_font.cmap
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.footer_text}, page {self.page_no()} of {{nb}}", align="C")

    def printable(self, text: str) -> str:
        """The text in the font's characters: combined forms first, then "?" for a character
        the font cannot draw (it stays in the record as written)."""
        text = unicodedata.normalize("NFC", text)
        return "".join(
            c if ord(c) in self._glyphs or c in "\n\t" else "?" for c in text if c != "\r"
        )

    def paragraph(self, text: str, *, size: float = 10, height: float = 5) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, height, self.printable(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def keep_together(self, height: float) -> None:
        """Start a new page unless `height` more fits: no heading alone at a page's foot, and
        a block placed at a fixed position (a QR code) never runs off the page."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, *, size: float = 12) -> None:
        # Headings stand out by size and colour: the font's bold instance is slow to build
        # from the variable font on every page.
        self.ln(2)
        self.keep_together(size * 2)
        self.set_text_color(20, 60, 110)
        self.paragraph(text, size=size, height=size * 0.55)
        self.set_text_color(0, 0, 0)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)


def sections_page(title: str, sections: Iterable[tuple[str, Iterable[str]]]) -> Page:
    """A document titled `title` with each section's heading and its paragraphs, ready for
    more drawing or for `bytes(page.output())`."""
    pdf = Page()
    pdf.set_title(title)
    pdf.set_creator("Gemcare")
    pdf.footer_text = title
    pdf.add_page()
    pdf.heading(title, size=16)
    for heading, lines in sections:
        pdf.heading(heading)
        for line in lines:
            pdf.paragraph(line)
    return pdf
