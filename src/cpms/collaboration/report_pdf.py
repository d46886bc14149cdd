"""The outcome report as a PDF (fpdf2), from plain data.

``report_data`` reads an OutcomeReport (and its case) into ``ReportData``;
``render`` lays it out.  The PDF is written in the report's language (its
field ``report_language``; without one the panel lead's preferred language):
headings, the statement on responsibility, roles and dates; what the panel
wrote stays as written.  A Unicode TrueType font (DejaVu, Debian package
fonts-dejavu-core) is used when present so that names in any EU language
print correctly; otherwise the PDF core font with a Latin-1 fallback.
"""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from fpdf import FPDF
from plone import api
from plone.base.utils import safe_text

from cpms import _
from cpms.cases.content.outcome_report import LIABILITY_STATEMENT
from cpms.cases.utils import find_case
from cpms.collaboration.panel import panel
from cpms.core import i18n
from cpms.core import permissions
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import fullname

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
)
LIABILITY_DEFAULT = _(
    "This report gives the panel's expert advice. The treating clinician keeps "
    "the legal responsibility for the patient's diagnosis and care."
)

# The roles as the report has always named them, in the report's language.
ROLE_TITLES = {
    PANEL_LEAD: _("Panel Lead"),
    PANEL_MEMBER: _("Panel Member"),
    GUEST_CLINICIAN: _("Guest Clinician"),
}


@dataclass
class ReportData:
    network: str
    case_id: str
    nickname: str
    panel: list[str] = field(default_factory=list)  # "Name (role)"
    findings: str = ""
    recommendations: str = ""
    treatment_plan: str = ""
    references: str = ""
    liability: str = LIABILITY_DEFAULT  # a message is printed translated
    signer: str = ""
    signed_on: str = ""  # a readable date; empty while unsigned
    url: str = ""
    language: str = "en"


class _PDF(FPDF):
    footer_text = ""

    page_label = "page"

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.cell(
            0, 5, f"{self.footer_text}  -  {self.page_label} {self.page_no()}/{{nb}}"
        )


def _fonts(pdf: _PDF) -> tuple[str, bool]:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def render(data: ReportData) -> bytes:
    pdf = _PDF(format="A4")
    family, unicode_ok = _fonts(pdf)
    pdf.body_font = family

    def text(value: str) -> str:
        value = value or ""
        if unicode_ok:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    say = i18n.translator(data.language)
    pdf.footer_text = text(f"{data.network} - " + say(_("case ${id}"), id=data.case_id))
    pdf.page_label = text(say(_("page")))
    pdf.set_title(text(say(_("Outcome report ${id}"), id=data.case_id)))
    pdf.set_author(text(data.network))
    pdf.set_creator("CPMS portal")
    pdf.set_lang(data.language)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    pdf.set_font(family, "B", 11)
    pdf.multi_cell(0, 6, text(data.network), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 17)
    pdf.multi_cell(0, 9, text(say(_("Outcome report"))), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(
        0,
        6,
        text(
            say(_("Case ${id} (${nickname})"), id=data.case_id, nickname=data.nickname)
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def section(title, body: str) -> None:
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, text(say(title)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10.5)
        pdf.multi_cell(0, 5.5, text(body.strip() or "-"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    section(_("Panel"), "\n".join(data.panel) or "-")
    section(_("Findings"), data.findings)
    section(_("Recommendations"), data.recommendations)
    section(_("Treatment plan"), data.treatment_plan)
    section(_("References"), data.references)
    section(_("Responsibility"), say(data.liability or LIABILITY_DEFAULT))
    if data.signer:
        section(
            _("Signed"),
            say(
                _("Signed by ${name} on ${date}."),
                name=data.signer,
                date=data.signed_on,
            ),
        )
    else:
        section(_("Signed"), say(_("Not signed yet: this is a draft.")))
    if data.url:
        pdf.set_font(family, "", 8)
        pdf.multi_cell(
            0,
            4,
            text(say(_("Online: ${url}"), url=data.url)),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def _plain(value) -> str:
    """Text of a field value: plain text, or rich text without its markup."""
    if value is None:
        return ""
    if hasattr(value, "output"):  # RichTextValue
        transforms = api.portal.get_tool("portal_transforms")
        html = value.output or value.raw or ""
        result = transforms.convertTo("text/plain", html, mimetype="text/html")
        return safe_text(result.getData() if result else html).strip()
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


def _first(obj, names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if callable(value):
            value = value()
        if value:
            return value
    return default


def _date(value, language: str) -> str:
    if value is None:
        return ""
    if hasattr(value, "asdatetime"):  # Zope DateTime
        value = value.asdatetime()
    if hasattr(value, "strftime"):
        return i18n.format_date(value, language)
    return str(value)


def _liability(report):
    """The report's statement; the catalogue message when it is the fixed
    one, so that it is printed in the report's language."""
    value = _first(report, ("liability_statement", "liability", "disclaimer"))
    if value is None or value == LIABILITY_STATEMENT:
        return LIABILITY_STATEMENT if value is not None else LIABILITY_DEFAULT
    return _plain(value) or LIABILITY_DEFAULT


def report_language(report, case=None) -> str:
    """The report's chosen language; else the lead's (the signer's, or the
    case's panel lead's) preferred language; else the site default."""
    chosen = getattr(report, "report_language", None)
    if chosen:
        return chosen
    lead = _first(report, ("signed_by", "signer"))
    if not lead and case is not None:
        lead = next(
            (p["userid"] for p in panel(case) if PANEL_LEAD in p["roles"]), None
        )
    return i18n.user_language(lead)


def report_data(report, language: str | None = None) -> ReportData:
    """The report's data, in ``language`` (by default ``report_language``)."""
    case = find_case(report)
    language = language or report_language(report, case)
    say = i18n.translator(language)
    network = api.portal.get_registry_record(
        "cpms.collaboration.network_name", default="European Reference Network"
    )
    members = [
        f"{p['fullname']} "
        f"({', '.join(say(ROLE_TITLES.get(r, r)) for r in p['roles'] if r != OWNER)})"
        for p in panel(case)
        if set(p["roles"]) - {OWNER}
    ]
    signer = _first(report, ("signed_by", "signer"))
    return ReportData(
        network=network,
        case_id=case.Title() if case is not None else "",
        nickname=getattr(case, "nickname", "") or "",
        panel=members,
        findings=_plain(_first(report, ("findings",))),
        recommendations=_plain(_first(report, ("recommendations",))),
        treatment_plan=_plain(_first(report, ("treatment_plan", "treatment"))),
        references=_plain(_first(report, ("references",))),
        liability=_liability(report),
        signer=fullname(signer) if signer else "",
        signed_on=_date(
            _first(report, ("signed_on", "signed_date", "signature_date")), language
        ),
        url=report.absolute_url(),
        language=language,
    )


def outcome_report_of(context):
    """The report itself, or the (first) report of a case the user may view.

    Both the browser's ``@@report.pdf`` and the REST ``@report-pdf`` are
    registered on a report and on its case.
    """
    if context.portal_type == "OutcomeReport":
        return context
    for obj in context.objectValues():
        if obj.portal_type == "OutcomeReport" and api.user.has_permission(
            permissions.VIEW, obj=obj
        ):
            return obj
    return None
