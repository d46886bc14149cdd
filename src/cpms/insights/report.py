"""The board's activity report for a period: the KPIs (``kpis.kpis``) as CSV
and as a PDF, in the reader's language.

The CSV is one long table (section, group, measure, value), so that a
spreadsheet can filter and pivot it; its labels, and the PDF's, are
translated messages; dates are written with Babel in the reader's locale
(``cpms.core.i18n``), numbers too in the PDF. The PDF is laid out with fpdf2
in DejaVu Sans, as the outcome report is, so that names in any EU language
print.
"""

import csv
import io
from datetime import date

from fpdf import FPDF
from fpdf.fonts import FontFace

from cpms import _
from cpms.collaboration.report_pdf import FONT_DIRS
from cpms.core import i18n

CSV_MIMETYPE = "text/csv; charset=utf-8"
PDF_MIMETYPE = "application/pdf"
# Case ids listed per age band in the PDF (the page and the CSV list all).
PDF_IDS = 30

# Section labels, in the order the report shows them.
TIME_TO_PANEL = _("Time to panel (days from submission to the panel's opening)")
TIME_TO_CLOSURE = _("Time to closure (days from submission to closure)")
SECTIONS = {
    "cases": _("Cases in the period"),
    "time_to_panel": TIME_TO_PANEL,
    "time_to_closure": TIME_TO_CLOSURE,
    "contributions_by_expert": _("Contributions per expert"),
    "contributions_by_centre": _("Contributions per centre"),
    "open_panels": _("Open panels by age"),
}
CASE_COUNTS = {
    "submitted": _("Submitted"),
    "closed": _("Closed"),
    "withdrawn": _("Withdrawn"),
}
ALL_AREAS = _("All expertise areas")
NO_AREA = _("No expertise area")
NO_CENTRE = _("No member centre")
AGE_LABELS = {
    "0-7": _("0 to 7 days"),
    "8-30": _("8 to 30 days"),
    "31-90": _("31 to 90 days"),
    ">90": _("more than 90 days"),
}
MEASURES = {
    "count": _("Cases"),
    "median": _("Median (days)"),
    "q1": _("First quartile (days)"),
    "q3": _("Third quartile (days)"),
    "contributions": _("Contributions"),
    "cases": _("Cases"),
    "experts": _("Experts"),
    "case_ids": _("Case ids"),
}


def filename(period: dict, extension: str) -> str:
    return f"activity-report-{period['start']}-{period['last_day']}.{extension}"


def period_text(period: dict, language: str) -> str:
    say = i18n.translator(language)
    return say(
        _("${start} to ${end}"),
        start=i18n.format_date(date.fromisoformat(period["start"]), language),
        end=i18n.format_date(date.fromisoformat(period["last_day"]), language),
    )


def _area(row, say) -> str:
    return row["title"] or say(NO_AREA)


def _centre(row, say) -> str:
    return row["title"] or say(NO_CENTRE)


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: no formula from a name."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text):
        return "'" + text
    return text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows(data: dict, language: str) -> list[list[str]]:
    """The report as (section, group, measure, value) rows, translated."""
    say = i18n.translator(language)
    out = []

    def add(section, group, measure, value):
        out.append([say(SECTIONS[section]), group, say(MEASURES[measure]), value])

    for key, label in CASE_COUNTS.items():
        add("cases", say(label), "count", data["cases"][key])
    for section in ("time_to_panel", "time_to_closure"):
        figures = data[section]
        groups = [(say(ALL_AREAS), figures["overall"])]
        groups += [(_area(r, say), r) for r in figures["by_area"]]
        for group, row in groups:
            for measure in ("count", "median", "q1", "q3"):
                add(section, group, measure, row[measure])
    for row in data["contributions"]["by_expert"]:
        add(
            "contributions_by_expert",
            row["name"],
            "contributions",
            row["contributions"],
        )
        add("contributions_by_expert", row["name"], "cases", row["cases"])
    for row in data["contributions"]["by_centre"]:
        group = _centre(row, say)
        add("contributions_by_centre", group, "contributions", row["contributions"])
        add("contributions_by_centre", group, "experts", row["experts"])
    for band in data["open_panels"]["by_age"]:
        group = say(AGE_LABELS[band["age"]])
        add("open_panels", group, "count", band["count"])
        add("open_panels", group, "case_ids", " ".join(band["case_ids"]))
    return out


def as_csv(data: dict, language: str) -> bytes:
    say = i18n.translator(language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [say(_("Section")), say(_("Group")), say(_("Measure")), say(_("Value"))]
    )
    writer.writerow(
        [
            say(_("Period")),
            "",
            say(_("From")),
            data["period"]["start"],
        ]
    )
    writer.writerow(
        [say(_("Period")), "", say(_("To (included)")), data["period"]["last_day"]]
    )
    for row in rows(data, language):
        writer.writerow([_cell(value) for value in row])
    # A byte order mark, so that spreadsheets read the names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _PDF(FPDF):
    footer_text = ""
    page_label = "page"
    body_font = "Helvetica"

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.cell(
            0, 5, f"{self.footer_text}  -  {self.page_label} {self.page_no()}/{{nb}}"
        )


def _fonts(pdf: _PDF) -> bool:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            pdf.body_font = "DejaVu"
            return True
    return False


def _some_ids(case_ids: list[str], say) -> str:
    """The first ids of a band; a table row must fit on one page, so a long
    list ends with how many more there are (the CSV has them all)."""
    shown = " ".join(case_ids[:PDF_IDS])
    if len(case_ids) > PDF_IDS:
        shown += " " + say(
            _("and ${count} more (all in the CSV)"), count=len(case_ids) - PDF_IDS
        )
    return shown


def as_pdf(data: dict, language: str, network: str = "") -> bytes:
    say = i18n.translator(language)
    pdf = _PDF(format="A4")
    unicode_ok = _fonts(pdf)
    family = pdf.body_font

    def text(value) -> str:
        value = "" if value is None else str(value)
        if unicode_ok:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def number(value, decimals=None) -> str:
        if value is None:
            return "-"
        return i18n.format_number(value, language, decimals)

    period = period_text(data["period"], language)
    title = say(_("Activity report"))
    pdf.footer_text = text(f"{network} - {title}: {period}" if network else period)
    pdf.page_label = text(say(_("page")))
    pdf.set_title(text(f"{title}: {period}"))
    pdf.set_author(text(network))
    pdf.set_creator("CPMS portal")
    pdf.set_lang(language)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    if network:
        pdf.set_font(family, "B", 11)
        pdf.multi_cell(0, 6, text(network), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 17)
    pdf.multi_cell(0, 9, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, text(period), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    heading_style = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))

    def table(heading, header, body) -> None:
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, text(say(heading)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9.5)
        if not body:
            pdf.multi_cell(
                0, 5.5, text(say(_("None in this period."))), new_x="LMARGIN"
            )
            pdf.ln(7)
            return
        with pdf.table(
            headings_style=heading_style,
            line_height=5.5,
            text_align="LEFT",
            first_row_as_headings=True,
        ) as grid:
            for values in [header, *body]:
                line = grid.row()
                for value in values:
                    line.cell(text(value))
        pdf.ln(3)

    cases = data["cases"]
    table(
        SECTIONS["cases"],
        [say(_("Cases")), say(_("Number"))],
        [[say(label), number(cases[key])] for key, label in CASE_COUNTS.items()],
    )
    for section in ("time_to_panel", "time_to_closure"):
        figures = data[section]
        groups = [(say(ALL_AREAS), figures["overall"])]
        groups += [(_area(r, say), r) for r in figures["by_area"]]
        table(
            SECTIONS[section],
            [say(_("Expertise area"))]
            + [say(MEASURES[m]) for m in ("count", "median", "q1", "q3")],
            [
                [
                    group,
                    number(row["count"]),
                    number(row["median"], 1),
                    number(row["q1"], 1),
                    number(row["q3"], 1),
                ]
                for group, row in groups
                if row["count"] or group == say(ALL_AREAS)
            ],
        )
    contributions = data["contributions"]
    table(
        SECTIONS["contributions_by_expert"],
        [say(_("Expert")), say(_("Centre")), say(_("Contributions")), say(_("Cases"))],
        [
            [
                row["name"],
                ", ".join(row["centres"]) or say(NO_CENTRE),
                number(row["contributions"]),
                number(row["cases"]),
            ]
            for row in contributions["by_expert"]
        ],
    )
    table(
        SECTIONS["contributions_by_centre"],
        [say(_("Centre")), say(_("Contributions")), say(_("Experts"))],
        [
            [_centre(row, say), number(row["contributions"]), number(row["experts"])]
            for row in contributions["by_centre"]
        ],
    )
    panels = data["open_panels"]
    as_of = panels["as_of"]
    table(
        SECTIONS["open_panels"],
        [say(_("Open for")), say(_("Panels")), say(_("Case ids"))],
        [
            [
                say(AGE_LABELS[band["age"]]),
                number(band["count"]),
                _some_ids(band["case_ids"], say),
            ]
            for band in panels["by_age"]
        ],
    )
    pdf.set_font(family, "", 8.5)
    pdf.multi_cell(
        0,
        4.5,
        text(
            say(
                _(
                    "Open panels as of ${date}. Times are counted from the case's "
                    "submission; contributions from the day they were posted. The "
                    "report holds no patient data: cases appear by their case id only."
                ),
                date=i18n.format_date(date.fromisoformat(as_of), language),
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
