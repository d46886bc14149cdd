"""The outcome report PDF in the language the lead chose: headings and the
statement on responsibility translated, in a font that prints Polish."""

import io

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from pypdf import PdfReader

from cpms.cases import states
from cpms.collaboration.report_pdf import render
from cpms.collaboration.report_pdf import report_data
from cpms.core.roles import PANEL_LEAD
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

POLISH_LIABILITY = (
    "Ten raport zawiera poradę panelu ekspertów sieci. Nie jest zleceniem "
    "lekarskim. Lekarz prowadzący pacjenta decyduje o leczeniu"
)


def _report(portal, **fields):
    make_user("lena", fullname="Łucja Źrebięcka")
    case = make_case(portal, nickname="Blue Heron")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    set_state(case, states.IN_DISCUSSION)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        return api.content.create(
            container=case,
            type="OutcomeReport",
            id="outcome-report",
            findings="Zespół stwierdził rzadką uropatię zaporową.",
            recommendations="Powtórzyć badanie mikcji.",
            **fields,
        )


def _text(report) -> str:
    pdf = render(report_data(report))
    # One line of text, as pypdf breaks lines where the PDF wraps them.
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_the_pdf_in_the_language_chosen_on_the_report(portal):
    report = _report(portal, report_language="pl")
    text = _text(report)
    assert POLISH_LIABILITY in text, text
    for heading in ("Raport końcowy", "Ustalenia", "Zalecenia", "Odpowiedzialność"):
        assert heading in text, heading
    # Polish letters of the panel and of what the panel wrote print as such.
    assert "Łucja Źrebięcka (Kierownik panelu)" in text
    assert "rzadką uropatię zaporową" in text
    assert "Not signed yet" not in text
    assert "Jeszcze niepodpisany" in text


def test_without_a_choice_the_leads_language(portal):
    report = _report(portal)
    api.user.get(userid="lena").setMemberProperties({"language": "de"})
    text = _text(report)
    assert "Dieser Bericht gibt den Rat eines Expertengremiums" in text
    assert "Ergebnisbericht" in text


def test_english_by_default(portal):
    text = _text(_report(portal))
    assert "This report gives the advice of an expert panel" in text
