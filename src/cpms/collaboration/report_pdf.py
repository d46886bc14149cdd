"""The outcome report as a PDF (fpdf2), from plain data.

``report_data`` reads an OutcomeReport (and its case) into ``ReportData``;
``render`` lays it out.  A Unicode TrueType font (DejaVu, Debian package
fonts-dejavu-core) is used when present so that names in any EU language
print correctly; otherwise the PDF core font with a Latin-1 fallback.
"""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from fpdf import FPDF
from plone import api
from plone.base.utils import safe_text

from cpms.cases.utils import find_case
from cpms.collaboration.panel import panel
from cpms.core import permissions
from cpms.core.roles import OWNER
from cpms.core.users import fullname

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
)
LIABILITY_DEFAULT = (
    "This report gives the panel's expert advice. The treating clinician keeps "
    "the legal responsibility for the patient's diagnosis and care."
)


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
    liability: str = LIABILITY_DEFAULT
    signer: str = ""
    signed_on: str = ""  # a readable date; empty while unsigned
    url: str = ""


class _PDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.cell(0, 5, f"{self.footer_text}  -  page {self.page_no()}/{{nb}}")


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

    pdf.footer_text = text(f"{data.network} - case {data.case_id}")
    pdf.set_title(text(f"Outcome report {data.case_id}"))
    pdf.set_author(text(data.network))
    pdf.set_creator("CPMS portal")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    pdf.set_font(family, "B", 11)
    pdf.multi_cell(0, 6, text(data.network), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 17)
    pdf.multi_cell(0, 9, "Outcome report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(
        0,
        6,
        text(f"Case {data.case_id} ({data.nickname})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def section(title: str, body: str) -> None:
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10.5)
        pdf.multi_cell(0, 5.5, text(body.strip() or "-"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    section("Panel", "\n".join(data.panel) or "-")
    section("Findings", data.findings)
    section("Recommendations", data.recommendations)
    section("Treatment plan", data.treatment_plan)
    section("References", data.references)
    section("Responsibility", data.liability or LIABILITY_DEFAULT)
    if data.signer:
        section("Signed", f"Signed by {data.signer} on {data.signed_on}.")
    else:
        section("Signed", "Not signed yet: this is a draft.")
    if data.url:
        pdf.set_font(family, "", 8)
        pdf.multi_cell(0, 4, text(f"Online: {data.url}"), new_x="LMARGIN", new_y="NEXT")
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


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d %B %Y")
    if hasattr(value, "asdatetime"):  # Zope DateTime
        return value.asdatetime().strftime("%d %B %Y")
    return str(value)


def report_data(report) -> ReportData:
    case = find_case(report)
    network = api.portal.get_registry_record(
        "cpms.collaboration.network_name", default="European Reference Network"
    )
    members = [
        f"{p['fullname']} ({', '.join(r for r in p['roles'] if r != OWNER)})"
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
        liability=_plain(
            _first(report, ("liability_statement", "liability", "disclaimer"))
        )
        or LIABILITY_DEFAULT,
        signer=fullname(signer) if signer else "",
        signed_on=_date(_first(report, ("signed_on", "signed_date", "signature_date"))),
        url=report.absolute_url(),
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
