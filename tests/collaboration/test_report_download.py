"""The signed outcome report downloads as a PDF with the right text."""

import io

import transaction
from plone import api
from pypdf import PdfReader

from cpms.cases import states
from cpms.core.i18n import format_date
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_signed_report_pdf(functional_portal, rest):
    make_user("lena", fullname="Lena Lead")
    make_user("emil", fullname="Emil Expert")
    make_user("olga", fullname="Olga Outsider")
    case = make_case(functional_portal, nickname="Blue Heron")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    api.portal.set_registry_record(
        "cpms.collaboration.network_name", "ERN UroRare (demo)"
    )
    transaction.commit()
    lead = rest("lena")
    report = lead.post(
        case.absolute_url(),
        json={
            "@type": "OutcomeReport",
            "findings": "Findings of the panel: a rare obstructive uropathy.",
            "recommendations": "Recommendations: repeat the voiding study.",
            "treatment_plan": "Treatment plan: endoscopic ablation.",
            "references": "Reference One 2024\nReference Two 2025",
        },
    )
    assert report.status_code == 201, report.text
    report_url = report.json()["@id"]
    signing = lead.post(f"{report_url}/@workflow/sign")
    assert signing.status_code == 200, signing.text

    transaction.begin()
    signed_on = case[report_url.rsplit("/", 1)[1]].signed_on
    for url in (
        f"{report_url}/@@report.pdf",
        f"{case.absolute_url()}/@@report.pdf",
        f"{report_url}/@report-pdf",
        f"{case.absolute_url()}/@report-pdf",
    ):
        response = rest("emil").get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "application/pdf", url
        assert "attachment" in response.headers["Content-Disposition"]
        text = _pdf_text(response.content)
        for expected in (
            "ERN UroRare (demo)",
            f"Case {case.case_id} (Blue Heron)",
            "Lena Lead (Panel Lead)",
            "Emil Expert (Panel Member)",
            "a rare obstructive uropathy",
            "repeat the voiding study",
            "endoscopic ablation",
            "Reference Two 2025",
            "keeps the full legal and medical responsibility",
            f"Signed by Lena Lead on {format_date(signed_on, 'en')}.",
        ):
            assert expected in text, (url, expected)

    # Only those who may view the report get it.
    for outsider in (rest("olga"), rest(password="x", user="nobody")):
        response = outsider.get(f"{report_url}/@@report.pdf")
        assert response.status_code in (401, 403, 404)
        assert not response.content.startswith(b"%PDF")


def test_case_without_report_is_a_404_with_a_message(functional_portal, rest):
    case = make_case(functional_portal)
    transaction.commit()
    response = rest().get(f"{case.absolute_url()}/@report-pdf")
    assert response.status_code == 404
    assert "no outcome report yet" in response.json()["message"]
