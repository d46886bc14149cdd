"""A case's data for the patient (GDPR Art. 15 access, Art. 20 portability).

``export_zip(case)`` returns the bytes of a zip archive:

- ``README.txt``: what the archive holds;
- ``case.fhir.json``: the case as a FHIR R4 bundle (``cpms.privacy.fhir``),
  the machine-readable, portable copy;
- ``case.pdf``: a readable account of everything the case holds: its
  fields, consents, contributions, meetings, the outcome report, the list of
  files, and its history (who did what when, with the comments);
- ``files/<item>/<file name>``: the files themselves;
- ``audit.json`` and ``audit.csv``: the case's audit records (who read or
  changed it), from ``cpms.core.audit.entries``.

Everything is read as the system (the data protection officer who runs the
export may not view the case); whoever calls it has been checked for
``cpms: Export case data``.
"""

import io
import json
import zipfile
from datetime import UTC
from datetime import datetime
from pathlib import Path

from Acquisition import aq_base
from fpdf import FPDF
from plone import api
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedField
from zope.schema import getFieldsInOrder

from cpms.core import audit
from cpms.core.users import fullname
from cpms.privacy import auditlog
from cpms.privacy import fhir
from cpms.privacy.erasure import erased
from cpms.privacy.erasure import unrestricted

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
)
# Readable names of the item types, in the order the PDF shows them.
SECTIONS = (
    ("ConsentRecord", "Consents"),
    ("Contribution", "Contributions"),
    ("Meeting", "Meetings"),
    ("OutcomeReport", "Outcome report"),
    ("MedicalFile", "Files"),
)
SKIPPED_FIELDS = frozenset({"title", "preview", "video_url"})


def _text(value) -> str:
    if value is None:
        return ""
    raw = getattr(value, "raw", None)
    if raw is not None:  # RichTextValue
        return str(raw)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "ISO8601"):
        return value.ISO8601()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _term_title(field, obj, value) -> str:
    """A choice's readable title (a vocabulary term), else the value."""
    try:
        bound = field.bind(obj)
        vocabulary = getattr(bound, "vocabulary", None)
        if vocabulary is None and getattr(bound, "vocabularyName", None):
            from zope.schema.interfaces import IVocabularyFactory

            factory = (
                api.portal.get()
                .getSiteManager()
                .queryUtility(IVocabularyFactory, bound.vocabularyName)
            )
            vocabulary = factory(obj) if factory else None
        if vocabulary is not None:
            term = vocabulary.getTerm(value)
            return str(term.title or value)
    except LookupError:  # a term no longer offered prints as stored
        pass
    return _text(value)


def fields_of(obj) -> list[tuple[str, str]]:
    """``[(label, text)]`` of an object's schema fields that hold something."""
    rows = []
    for iface in iterSchemata(obj):
        adapted = iface(obj, None)
        if adapted is None:
            continue
        for name, field in getFieldsInOrder(iface):
            if name in SKIPPED_FIELDS or INamedField.providedBy(field):
                continue
            value = getattr(adapted, name, None)
            if value in (None, "", [], ()):
                continue
            if hasattr(field, "vocabulary") or hasattr(field, "vocabularyName"):
                text = _term_title(field, obj, value)
            elif hasattr(getattr(field, "value_type", None), "vocabularyName"):
                text = ", ".join(_term_title(field.value_type, obj, v) for v in value)
            else:
                text = _text(value)
            rows.append((str(field.title), text))
    return rows


def history_of(obj) -> list[dict]:
    rows = []
    for entries in (getattr(aq_base(obj), "workflow_history", None) or {}).values():
        for entry in entries:
            rows.append(
                {
                    "time": _text(entry.get("time")),
                    "action": entry.get("action") or "created",
                    "actor": fullname(entry.get("actor")),
                    "state": entry.get("review_state") or "",
                    "comment": entry.get("comments") or "",
                }
            )
    return sorted(rows, key=lambda r: r["time"])


class _PDF(FPDF):
    footer_text = ""
    body_font = "Helvetica"

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.cell(0, 5, f"{self.footer_text}  -  page {self.page_no()}/{{nb}}")


def case_pdf(case) -> bytes:
    """Everything the case holds, as a readable PDF (fpdf2)."""
    pdf = _PDF(format="A4")
    family, unicode_ok = "Helvetica", False
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            family, unicode_ok = "DejaVu", True
            break
    pdf.body_font = family

    def text(value: str) -> str:
        value = value or ""
        return value if unicode_ok else value.encode("latin-1", "replace").decode()

    case_id = case.case_id or case.getId()
    pdf.footer_text = text(f"Case {case_id} - copy of the data held")
    pdf.set_title(text(f"Case {case_id}: the data the portal holds"))
    pdf.set_creator("CPMS portal")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    def heading(title: str, size: float = 13) -> None:
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, 7, text(title), new_x="LMARGIN", new_y="NEXT")

    def rows(pairs) -> None:
        for label, value in pairs:
            pdf.set_font(family, "B", 9.5)
            pdf.multi_cell(0, 5, text(label), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, "", 10)
            pdf.multi_cell(0, 5, text(value or "-"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    heading(f"Case {case_id}", 17)
    pdf.set_font(family, "", 10)
    made = datetime.now(UTC).strftime("%d %B %Y %H:%M UTC")
    pdf.multi_cell(
        0,
        5,
        text(
            f"A copy of everything the portal holds about this case, made on "
            f"{made}. The case is pseudonymised: it holds no name or address "
            "of the patient."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    gone = erased(case)
    if gone:
        pdf.multi_cell(
            0,
            5,
            text(
                f"Its texts and files were erased on {gone['time']} "
                f"({gone['reason']}); what remains is shown."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)
    heading("The case")
    rows([("State", api.content.get_state(obj=case, default="")), *fields_of(case)])
    items = list(case.objectValues())
    for portal_type, title in SECTIONS:
        found = [o for o in items if o.portal_type == portal_type]
        if not found:
            continue
        heading(title)
        for obj in found:
            pdf.set_font(family, "B", 11)
            created = obj.created().ISO8601() if obj.created() else ""
            author = fullname((obj.listCreators() or [""])[0])
            pdf.multi_cell(
                0,
                6,
                text(f"{obj.Title()} ({obj.getId()}), {author}, {created}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pairs = fields_of(obj)
            value, _field = fhir.file_of(obj)
            if value is not None:
                pairs.append(
                    (
                        "File",
                        f"{value.filename or ''}, {value.contentType}, "
                        f"{len(value.data or b'')} bytes "
                        f"(in the archive: {file_path(obj, value)})",
                    )
                )
            rows(pairs)
    others = [o for o in items if o.portal_type not in dict(SECTIONS)]
    if others:
        heading("Other items")
        for obj in others:
            rows([(f"{obj.portal_type}: {obj.getId()}", obj.Title()), *fields_of(obj)])
    heading("History")
    for obj in [case, *items]:
        for row in history_of(obj):
            line = f"{row['time']}  {row['action']} by {row['actor']}"
            if obj is not case:
                line += f" ({obj.getId()})"
            if row["comment"]:
                line += f": {row['comment']}"
            pdf.set_font(family, "", 9.5)
            pdf.multi_cell(0, 5, text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def file_path(obj, value) -> str:
    name = (value.filename or obj.getId()).replace("/", "_").replace("\\", "_")
    return f"files/{obj.getId()}/{name}"


def audit_records(case) -> list[dict]:
    """Every audit record of the case (reads and refusals too) where the
    store keeps them; the trail of decisions where it does not."""
    try:
        found = audit.entries(case, everything=True)
    except TypeError:
        found = audit.entries(case)
    return [auditlog.public(entry) for entry in found]


README = """This archive holds a copy of the data the portal holds about case {case_id}.

case.fhir.json  the case as a FHIR R4 Bundle (HL7 FHIR), for a record system
case.pdf        the same, readable: fields, consents, contributions, meetings,
                the outcome report, the files, and its history
files/          the files of the case, as they were uploaded
audit.json      who read or changed the case, when, and how (also audit.csv)

Made on {made}.
"""


def export_zip(case) -> bytes:
    with unrestricted():
        bundle = fhir.bundle_json(case)
        pdf = case_pdf(case)
        files = []
        for obj in case.objectValues():
            value, _field = fhir.file_of(obj)
            if value is not None:
                files.append((file_path(obj, value), value.data or b""))
        records = audit_records(case)
    made = datetime.now(UTC).isoformat(timespec="seconds")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", README.format(case_id=case.case_id or case.getId(), made=made)
        )
        archive.writestr("case.fhir.json", bundle)
        archive.writestr("case.pdf", pdf)
        for path, data in files:
            archive.writestr(path, data)
        archive.writestr("audit.json", json.dumps(records, indent=2, default=str))
        archive.writestr("audit.csv", auditlog.as_csv(records))
    return buffer.getvalue()


def export_filename(case) -> str:
    case_id = (case.case_id or case.getId()).replace("/", "-")
    return f"{case_id}-data.zip"
