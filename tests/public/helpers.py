"""Small builders for the public-content tests."""

from datetime import date

from fpdf import FPDF
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile

# type id -> (section, minimal valid field values as a factory)
SECTION_OF = {
    "Guide": "guides",
    "FAQEntry": "common-problems",
    "NewsletterIssue": "newsletter",
    "ConsentForm": "consent-forms",
}


def pdf_bytes(text: str = "Test form") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def html(text: str) -> RichTextValue:
    return RichTextValue(text, "text/html", "text/x-html-safe")


def fields_for(type_id: str) -> dict:
    if type_id == "Guide":
        return {"steps": html("<ol><li>Open the portal.</li></ol>")}
    if type_id == "FAQEntry":
        return {"category": "browsers", "answer": html("<p>Clear the cache.</p>")}
    if type_id == "NewsletterIssue":
        return {
            "number": 7,
            "issue_date": date(2026, 5, 4),
            "body": html("<p>News</p>"),
        }
    if type_id == "ConsentForm":
        return {
            "form_language": "de",
            "kind": "care",
            "version": "1.0",
            "file": NamedBlobFile(pdf_bytes(), filename="form.pdf"),
        }
    raise KeyError(type_id)


def create(portal, type_id: str, title: str = "Item", **extra):
    values = fields_for(type_id) | extra
    return api.content.create(
        container=portal[SECTION_OF[type_id]], type=type_id, title=title, **values
    )
