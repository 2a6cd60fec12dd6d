"""The book: chosen letters bound into one PDF, typeset (fpdf2) in a real book face.

A5 pages, as a small printed book: a title page, the contents (recipient, date, page),
then each letter starting on a page of its own, headed by whom it is to and when, set
justified in the book face with its sign-off to the right, page numbers at the foot.
The face is a free font the setup scripts install (EB Garamond, fonts-ebgaramond; else
DejaVu Serif, fonts-dejavu-core), found at its usual paths or through fontconfig; the
other one, when present, fills in any character the first lacks. No font is shipped.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from samantha.errors import SamanthaError
from samantha.letters.front import Letter

PAGE = (148.0, 210.0)  # A5, mm
MARGIN = 20.0  # left and right, mm
TOP, BOTTOM = 22.0, 24.0  # the page number sits inside the bottom margin
PER_CONTENTS_PAGE = 14
INK, GREY = (28, 28, 28), (110, 110, 110)
FACES = (
    ("EB Garamond", Path("/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf"),
     Path("/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Italic.otf")),
    ("DejaVu Serif", Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
     Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf")),
)
NO_FONT = ("No book font was found (looked for EB Garamond and DejaVu Serif, then asked fontconfig for a serif). "
           "Install one, e.g. `sudo apt-get install fonts-ebgaramond`, and run this again. Nothing was written.")


@dataclass(frozen=True)
class Face:
    name: str
    regular: Path
    italic: Path


def faces() -> list[Face]:
    """The book faces on this machine, the preferred first; fontconfig's serif when neither is at its usual path."""
    found = [Face(n, r, i if i.is_file() else r) for n, r, i in FACES if r.is_file()]
    if not found and shutil.which("fc-match"):
        paths = [_fc_match(pattern) for pattern in ("serif:style=Regular", "serif:style=Italic")]
        if paths[0] and paths[0].suffix.lower() in (".ttf", ".otf"):
            found.append(Face("serif", paths[0], paths[1] if paths[1] and paths[1].suffix.lower() in (".ttf", ".otf")
                              else paths[0]))
    return found


def _fc_match(pattern: str) -> Path | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.strip()) if out.strip() and Path(out.strip()).is_file() else None


def long_date(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def bind(letters: list[Letter], title: str, fonts: list[Face] | None = None) -> bytes:
    """The book of ``letters`` (in the order given) as PDF bytes."""
    fonts = faces() if fonts is None else fonts
    if not fonts:
        raise SamanthaError(NO_FONT)
    pdf = _Book(letters, fonts)
    _title_page(pdf, title, letters)
    pdf.add_page()  # the contents reserve pages from here, and are drawn once the letters' pages are known
    pdf.insert_toc_placeholder(pdf.contents, pages=math.ceil(len(letters) / PER_CONTENTS_PAGE))
    pdf.fresh = True  # the placeholder ends on a new page: the first letter's
    for letter in letters:
        _letter_pages(pdf, letter)
    return bytes(pdf.output())


class _Book(FPDF):
    def __init__(self, letters: list[Letter], fonts: list[Face]):
        super().__init__(unit="mm", format=PAGE)
        self.letters = letters
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, BOTTOM)
        for n, face in enumerate(fonts):
            family = f"face{n}"
            self.add_font(family, "", str(face.regular))
            self.add_font(family, "I", str(face.italic))
        if len(fonts) > 1:
            self.set_fallback_fonts([f"face{n}" for n in range(1, len(fonts))], exact_match=False)
        self.set_title("Letters")
        self.set_creator("Samantha")
        self.fresh = False  # on an empty page, where the next letter starts
        self.first_numbered = 2  # the title page has no number

    def face(self, size: float, italic: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font("face0", "I" if italic else "", size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        if self.page_no() < self.first_numbered:
            return
        self.set_y(-BOTTOM + 8)
        self.face(9, colour=GREY)
        self.cell(0, 5, str(self.page_no()), align="C")

    def contents(self, pdf: FPDF, outline: list) -> None:
        """The contents: each letter's recipient, date and first page (called once the pages are known)."""
        self.set_xy(MARGIN, TOP)
        self.face(17)
        self.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)
        for section, letter in zip(outline, self.letters):
            if self.get_y() > PAGE[1] - BOTTOM - 14:
                self.add_page()
            self.face(11.5)
            self.cell(PAGE[0] - 2 * MARGIN - 12, 6, f"To {letter.to}")
            self.cell(12, 6, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")
            self.face(9.5, italic=True, colour=GREY)
            self.cell(0, 5, long_date(letter.date), new_x="LMARGIN", new_y="NEXT")
            self.ln(3)


def _title_page(pdf: _Book, title: str, letters: list[Letter]) -> None:
    pdf.add_page()
    width = PAGE[0] - 2 * MARGIN
    pdf.set_y(68)
    pdf.face(26)
    pdf.multi_cell(width, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    pdf.line(PAGE[0] / 2 - 12, pdf.get_y(), PAGE[0] / 2 + 12, pdf.get_y())
    pdf.ln(8)
    first, last = min(x.date for x in letters), max(x.date for x in letters)
    span = f"{first:%B %Y}" if (first.year, first.month) == (last.year, last.month) else f"{first:%B %Y} – {last:%B %Y}"
    count = "one letter" if len(letters) == 1 else f"{len(letters)} letters"
    pdf.face(12, italic=True, colour=GREY)
    pdf.multi_cell(width, 7, f"{count.capitalize()}\n{span}", align="C", new_x="LMARGIN", new_y="NEXT")


def _letter_pages(pdf: _Book, letter: Letter) -> None:
    """One letter, from the top of a page of its own."""
    if not pdf.fresh:
        pdf.add_page()
    pdf.fresh = False
    pdf.start_section(f"To {letter.to}")
    width = PAGE[0] - 2 * MARGIN
    pdf.face(9.5, colour=GREY)
    pdf.cell(width / 2, 5, f"To {letter.to}")
    pdf.face(9.5, italic=True, colour=GREY)
    pdf.cell(width / 2, 5, long_date(letter.date), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.face(11.5)
    for paragraph in letter.draft.body:
        pdf.multi_cell(width, 6.2, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3.2)
    draft = letter.draft
    if draft.signature:
        pdf.ln(4)
        pdf.set_x(MARGIN + width * 0.5)
        lines = [line for line in (draft.closing, draft.signature) if line]
        pdf.multi_cell(width * 0.5, 6.2, "\n".join(lines), align="L", new_x="LMARGIN", new_y="NEXT")


def bind_one(letter: Letter, fonts: list[Face] | None = None) -> bytes:
    """One letter as a PDF of its own: its pages only, no title page or contents."""
    fonts = faces() if fonts is None else fonts
    if not fonts:
        raise SamanthaError(NO_FONT)
    pdf = _Book([letter], fonts)
    pdf.first_numbered = 2  # its own pages are numbered from the second
    _letter_pages(pdf, letter)
    return bytes(pdf.output())
