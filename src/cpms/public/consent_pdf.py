"""The demo consent forms: their texts (data) and their PDFs (fpdf2).

One text per language in ``consent_texts/<language>.json``, written once in
English and translated into the 24 official EU languages; each holds the
three kinds (care, registries, research), the labels of the signature block
and the demo notice.  ``consent_texts/versions.json`` gives each kind's
version, the same in every language (a translation of version 3.0 is
version 3.0).

The PDFs are set in DejaVu Sans, which covers Greek, Cyrillic and the Latin
extensions (Maltese ħ, Romanian ș, Latvian ķ); fpdf2's core fonts are Latin-1
only.  The font comes from the Debian package fonts-dejavu-core
(scripts/system-deps.sh).  Each PDF carries its language, kind and version in
the text and in its metadata (/Lang, /Title).
"""

import atexit
import json
import shutil
import string
import tempfile
from functools import cache
from pathlib import Path

from fontTools import subset
from fpdf import FPDF
from fpdf.enums import TextMode

TEXTS = Path(__file__).parent / "consent_texts"
KINDS = ("care", "registries", "research")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILE = "DejaVuSans.ttf"
FONT = "DejaVuSans"


class FontMissing(RuntimeError):
    """The font the consent forms need is not installed."""


@cache
def versions() -> dict[str, str]:
    return json.loads((TEXTS / "versions.json").read_text(encoding="utf-8"))


@cache
def languages() -> tuple[str, ...]:
    """The languages with a text, by code."""
    return tuple(sorted(p.stem for p in TEXTS.glob("*.json") if p.stem != "versions"))


@cache
def text(language: str) -> dict:
    """The consent text of one language (KeyError when there is none)."""
    path = TEXTS / f"{language}.json"
    if language not in languages():
        raise KeyError(f"No consent text in language {language!r}.")
    return json.loads(path.read_text(encoding="utf-8"))


def sentences(language: str, kind: str) -> list[str]:
    """The sentences of one form, in reading order (what its PDF says)."""
    data = text(language)
    body = data["kinds"][kind]
    common = data["common"]
    return [
        body["title"],
        *body["text"],
        common["pseudonymised"],
        common["withdraw"],
        common["agree"],
    ]


def pdf_title(language: str, kind: str) -> str:
    """The PDF's /Title: the form's own title, its kind, language and version."""
    data = text(language)
    labels = data["labels"]
    body = data["kinds"][kind]
    return (
        f"{body['title']} ({body['name']}, {data['name']}, "
        f"{labels['version']} {versions()[kind]}) DEMO"
    )


def _font_path() -> Path:
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise FontMissing(
            "The consent forms are set in DejaVu Sans, which covers Greek, "
            f"Cyrillic and the Latin extensions, and {path} is missing. "
            "Install the Debian package fonts-dejavu-core "
            "(scripts/system-deps.sh does)."
        )
    return path


@cache
def _font() -> str:
    """DejaVu Sans cut down to the letters of the consent texts.

    fpdf2 parses the whole font (6,000 glyphs) for every document and cuts it
    down again when writing it: 0.3 s a form.  Cut once per process to the
    few hundred letters the texts use, a form takes a few hundredths of a
    second, which keeps the demo site quick to build with its 72 forms.
    """
    letters = set(string.printable)
    for language in languages():
        for letter in json.dumps(text(language), ensure_ascii=False):
            letters |= {letter, letter.upper(), letter.lower()}
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing to keep
    font = subset.load_font(str(_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[ord(c) for c in letters if len(c) == 1 and c.isprintable()]
    )
    subsetter.subset(font)
    # fpdf2 reads fonts from files only.
    folder = tempfile.mkdtemp(prefix="cpms-consent-font-")
    # One cut per process: gone with the process, not left in /tmp.
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / FONT_FILE
    font.save(str(path))
    return str(path)


def _lines(pdf: FPDF, paragraph: str, width: float) -> list[str]:
    """The paragraph broken into lines of at most ``width`` at spaces.

    fpdf2's multi_cell measures each line again for every letter added; word
    by word is enough here and several times quicker.
    """
    lines, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if line and pdf.get_string_width(candidate) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines


@cache
def render(language: str, kind: str) -> bytes:
    """One consent form as a one-page A4 PDF (rendered once per process)."""
    data = text(language)
    labels = data["labels"]
    body = data["kinds"][kind]
    common = data["common"]
    version = versions()[kind]
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(False)
    # One face only: each embedded face costs as much again to write.
    # Headings are drawn with a stroked outline for weight.
    pdf.add_font(FONT, "", _font())
    pdf.set_lang(language)
    pdf.set_title(pdf_title(language, kind))
    pdf.set_subject(f"{labels['kind']}: {body['name']}")
    pdf.set_keywords(f"consent {kind} {language} {version} demo")
    pdf.set_creator("CPMS demo")
    pdf.add_page()
    left, width = pdf.l_margin, pdf.epw
    y = pdf.t_margin

    def write(paragraph, size, leading, bold=False, indent=0.0):
        nonlocal y
        pdf.set_font(FONT, "", size)
        pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        for line in _lines(pdf, paragraph, width - 2 * indent):
            y += leading
            pdf.text(left + indent, y, line)
        pdf.text_mode = TextMode.FILL

    pdf.set_line_width(0.2)
    # The demo notice first and framed: nobody should mistake this for a
    # real form.
    pdf.set_text_color(160, 0, 0)
    pdf.set_draw_color(160, 0, 0)
    top = y
    write(data["demo"], 10, 5, bold=True, indent=3)
    y += 3
    pdf.rect(left, top, width, y - top)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    y += 8

    write(body["title"], 16, 8, bold=True)
    y += 3
    write(
        f"{labels['kind']}: {body['name']}   ·   {labels['language']}: "
        f"{data['name']} ({language})   ·   {labels['version']} {version}",
        10,
        5,
    )
    y += 6
    for paragraph in (*body["text"], common["pseudonymised"], common["withdraw"]):
        write(paragraph, 12, 6.5)
        y += 4
    y += 2
    write(common["agree"], 12, 6.5, bold=True)
    y += 22
    for label in (labels["patient"], labels["signature"], labels["date"]):
        pdf.line(left, y, left + width, y)
        write(label, 10, 5)
        y += 16
    # A consent form is one page: a longer translation must be shortened,
    # not spill off the sheet.
    if y > pdf.h - pdf.b_margin:
        raise ValueError(
            f"The {kind} consent text in {language} is longer than a page."
        )
    return bytes(pdf.output())


def filename(language: str, kind: str) -> str:
    return f"consent-{kind}-{language}.pdf"
