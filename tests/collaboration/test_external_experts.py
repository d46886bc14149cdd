"""Experts of other networks: invited by a coordinator to one case's panel.

The expert's contribution counts towards the close rule, and at the end of
their access the case is gone for them on every path, with no job run.
The clock is moved, not waited for.
"""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine
import transaction
from plone import api
from zope.annotation.interfaces import IAnnotations

from cpms.cases import states
from cpms.cases.workflow import expert_contributors
from cpms.core import audit
from cpms.core.roles import COORDINATOR
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.identity import experts
from tests.collaboration.conftest import set_state
from tests.identity.conftest import authenticator
from tests.identity.conftest import make_case
from tests.identity.conftest import make_network
from tests.identity.conftest import make_user
from tests.identity.conftest import oidc_login
from tests.identity.conftest import rest
from tests.identity.oidc_provider import OIDCProvider
from tests.identity.test_guest_expiry import seen
from tests.identity.test_guest_expiry import walk

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
END = datetime(2027, 3, 10, 23, 59, 59, tzinfo=UTC)  # "until": "2027-03-10"
ERIN = "erin@other-ern.example.org"


@pytest.fixture
def provider():
    """oidc-provider-mock on a free loopback port (as in tests/identity)."""
    process = OIDCProvider().start()
    yield process
    process.stop()


@pytest.fixture
def panel_site(functional_portal):
    """A case in discussion with a lead and a member, a second case, a
    coordinator, and Erin: a member of the portal with no role anywhere."""
    portal = functional_portal
    with time_machine.travel(START, tick=False):
        network = make_network(portal)
        case = make_case(portal, network, "Blue Heron")
        other = make_case(portal, network, "Grey Owl")
        make_user("coord", ("Member", COORDINATOR))
        for userid in ("lena", "max"):
            make_user(userid, ("Member", HEALTHCARE_PROFESSIONAL))
        make_user("erin", ("Member",), email=ERIN)
        for obj in (case, other):
            obj.manage_setLocalRoles("lena", [PANEL_LEAD])
            obj.manage_setLocalRoles("max", [PANEL_MEMBER])
            set_state(obj, states.IN_DISCUSSION)
        transaction.commit()
    return portal, case, other


def invite(portal, case, **fields):
    data = {
        "email": ERIN,
        "fullname": "Erin Kovac",
        "network": "ERKNet",
        "until": "2027-03-10",
    } | fields
    return rest(portal, "coord").post(
        f"{case.absolute_url()}/@external-experts", json=data
    )


def test_external_expert_contributes_the_case_closes_then_they_see_nothing(
    panel_site, smtp_server
):
    portal, case, other = panel_site
    smtp_server.connect(portal)
    url = case.absolute_url()
    lena, erin = rest(portal, "lena"), rest(portal, "erin")
    with time_machine.travel(START, tick=False):
        # Not on the panel yet: Erin sees no case.
        assert erin.get(url).status_code in (401, 403)

        invited = invite(portal, case)
        assert invited.status_code == 201, invited.text
        assert invited.json()["status"] == "active"
        assert invited.json()["until"] == "2027-03-10T23:59:59+00:00"

        (mail,) = [m for m in smtp_server.wait_for(1) if m["To"] == ERIN]
        assert "Invitation to the expert panel" in mail["Subject"]
        body = mail.get_content()
        assert url in body
        assert "ERKNet" in body
        assert "10 March 2027" in body

        # The panel shows her as an external expert, with her network and end.
        people = {p["userid"]: p for p in lena.get(f"{url}/@panel").json()["items"]}
        assert people["erin"]["labels"] == [
            "External expert (network ERKNet), until 2027-03-10"
        ]
        assert people["erin"]["network"] == "ERKNet"
        listed = lena.get(f"{url}/@external-experts").json()["items"]
        assert [(e["user"], e["network"], e["status"]) for e in listed] == [
            ("erin", "ERKNet", "active")
        ]

        # She sees this case and only it.
        assert erin.get(url).status_code == 200
        assert erin.get(other.absolute_url()).status_code in (401, 403)
        found = erin.get(f"{portal.absolute_url()}/@search?portal_type=Case").json()
        assert [i["@id"] for i in found["items"]] == [url]
        # The paths walked after the end find the case while her access lives.
        before = seen(walk(portal, case, erin), case)
        for label in ("@search portal_type", "@search SearchableText", "@my-cases"):
            assert label in before, (label, before)

        # The lead's contribution alone does not close the case.
        posted = lena.post(url, json={"@type": "Contribution", "text": "Surgery."})
        assert posted.status_code == 201, posted.text
        report = lena.post(
            url,
            json={
                "@type": "OutcomeReport",
                "findings": "Posterior urethral valves.",
                "recommendations": "Valve ablation.",
            },
        )
        assert report.status_code == 201, report.text
        report_url = report.json()["@id"]
        signed = lena.post(f"{report_url}/@workflow/sign")
        assert signed.status_code == 200, signed.text
        early = lena.post(f"{url}/@workflow/close")
        assert early.status_code == 400
        assert (
            "contributions from at least 2 different experts of the panel (now 1)"
            in early.json()["message"]
        )

        # Erin's contribution is the second expert's: the case closes on it.
        mine = erin.post(url, json={"@type": "Contribution", "text": "Agreed."})
        assert mine.status_code == 201, mine.text
        contribution_url = mine.json()["@id"]
        closed = lena.post(f"{url}/@workflow/close")
        assert closed.status_code == 200, closed.text
        assert closed.json()["review_state"] == states.CLOSED
        assert erin.get(contribution_url).status_code == 200

    # After the end date (no purge, no job): nothing, by any path.
    with time_machine.travel(END + timedelta(seconds=1), tick=False):
        for path in (url, contribution_url, report_url):
            assert erin.get(path).status_code in (401, 403), path
            page = rest(portal, "erin")
            page.headers["Accept"] = "text/html"
            answer = page.get(path)
            # The web answers with the login or "insufficient privileges" page.
            assert answer.status_code in (401, 403) or (
                "login" in answer.url or "insufficient-privileges" in answer.url
            ), path
            assert "Agreed." not in answer.text
        assert erin.get(f"{url}/@panel").status_code in (401, 403)
        web = rest(portal, "erin")
        web.headers["Accept"] = "text/html"
        after = {
            **{f"REST {k}": v for k, v in walk(portal, case, erin).items()},
            **{f"web {k}": v for k, v in walk(portal, case, web).items()},
        }
        assert seen(after, case) == [], {
            k: after[k][0][:300] for k in seen(after, case)
        }
        # The contribution written while her access lived still counts.
        transaction.begin()
        assert expert_contributors(portal["cases"][case.getId()]) == {"lena", "erin"}
        # The grant is kept (it gives nothing), so the count holds.
        assert "erin" in IAnnotations(case)[experts.CASE_KEY]


def test_grant_and_revoke_are_audited_and_revoking_ends_the_count(panel_site):
    portal, case, _other = panel_site
    with time_machine.travel(START, tick=False):
        assert invite(portal, case).status_code == 201
        erin = rest(portal, "erin")
        assert erin.get(case.absolute_url()).status_code == 200
        assert (
            erin.post(
                case.absolute_url(), json={"@type": "Contribution", "text": "Hi."}
            ).status_code
            == 201
        )
        transaction.begin()
        assert "erin" in expert_contributors(case)
        # Only coordinators end it.
        refused = rest(portal, "lena").delete(
            f"{case.absolute_url()}/@external-experts", json={"user": "erin"}
        )
        assert refused.status_code in (401, 403)
        gone = rest(portal, "coord").delete(
            f"{case.absolute_url()}/@external-experts", json={"user": "erin"}
        )
        assert gone.status_code == 204, gone.text
        assert erin.get(case.absolute_url()).status_code in (401, 403)
        transaction.begin()
        assert "erin" not in expert_contributors(case)
        actions = [
            e["action"] for e in audit.entries(case, everything=True) if e.get("action")
        ]
        assert "external_expert_granted" in actions
        assert "external_expert_revoked" in actions
        again = rest(portal, "coord").delete(
            f"{case.absolute_url()}/@external-experts", json={"user": "erin"}
        )
        assert again.status_code == 400
        assert again.json()["message"].startswith("user: ")


def test_only_coordinators_invite(panel_site):
    portal, case, _other = panel_site
    url = f"{case.absolute_url()}/@external-experts"
    data = {"email": ERIN, "fullname": "Erin Kovac", "network": "ERKNet"}
    for userid in ("lena", "max", "erin"):
        answer = rest(portal, userid).post(url, json=data)
        assert answer.status_code in (401, 403), (userid, answer.text)
    # The lead reads the list; a member does not.
    assert rest(portal, "lena").get(url).status_code == 200
    assert rest(portal, "max").get(url).status_code in (401, 403)
    transaction.begin()
    assert experts.experts_on(case) == []


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"email": "not-an-address"}, "email", "e-mail address"),
        ({"fullname": ""}, "fullname", "full name"),
        ({"network": None}, "network", "European Reference Network"),
        ({"until": "2027-02-01"}, "until", "in the future"),
        ({"until": "2028-06-01"}, "until", "at most 365 days"),
        ({"until": "next week"}, "until", "YYYY-MM-DD"),
        ({"until": 5}, "until", "text"),
        ({"email": ["erin@other-ern.example.org"]}, "email", "e-mail address"),
        ({"network": {"name": "ERKNet"}}, "network", "European Reference Network"),
        ({"fullname": "Erin\nKovac"}, "fullname", "one line"),
    ],
)
def test_bad_input_names_the_field(panel_site, fields, field, words):
    portal, case, _other = panel_site
    with time_machine.travel(START, tick=False):
        answer = invite(portal, case, **fields)
    assert answer.status_code == 400, answer.text
    message = answer.json()["message"]
    assert message.startswith(f"{field}: "), message
    assert words in message, message


def test_default_end_is_ninety_days(panel_site):
    portal, case, _other = panel_site
    with time_machine.travel(START, tick=False):
        answer = invite(portal, case, until=None)
    assert answer.status_code == 201, answer.text
    assert answer.json()["until"].startswith("2027-05-30")


def test_panel_page_form_invites_with_the_form_token(panel_site, smtp_server):
    portal, case, _other = panel_site
    smtp_server.connect(portal)
    page_url = f"{case.absolute_url()}/@@panel"
    coord = rest(portal, "coord")
    coord.headers["Accept"] = "text/html"
    with time_machine.travel(START, tick=False):
        page = coord.get(page_url)
        assert "Invite an expert of another network" in page.text
        form = {
            "action": "invite_external",
            "email": ERIN,
            "fullname": "Erin Kovac",
            "network": "ERKNet",
            "expert_until": "2027-03-10",
        }
        # Without the form token: refused by plone.protect, nothing granted.
        forged = coord.post(page_url, data=form)
        assert forged.status_code == 403
        transaction.begin()
        assert experts.experts_on(case) == []
        done = coord.post(
            page_url, data=form | {"_authenticator": authenticator(page.text)}
        )
        assert done.status_code == 200, done.text
        assert "as an external expert until" in done.text
        assert "External expert (network ERKNet), until 10 March 2027" in done.text
        assert smtp_server.wait_for(1)
        # A lead sees the list but no form.
        lead = rest(portal, "lena")
        lead.headers["Accept"] = "text/html"
        assert "Invite an expert of another network" not in lead.get(page_url).text


@pytest.mark.slow
def test_invited_without_account_signs_in_with_the_identity_provider(
    panel_site, provider, monkeypatch
):
    """OpenID Connect creates the member at the first login, which turns the
    pending invitation into the grant."""
    from cpms.identity import oidc

    portal, case, _other = panel_site
    monkeypatch.setenv("CPMS_OIDC_ISSUER", provider.url)
    monkeypatch.setenv("CPMS_OIDC_CLIENT_ID", "cpms-test")
    monkeypatch.setenv("CPMS_OIDC_CLIENT_SECRET", "cpms-test-secret")
    monkeypatch.setenv("CPMS_OIDC_SCOPES", "openid profile email")
    assert oidc.configure_from_environment(portal)
    transaction.commit()
    new = "nora@far-network.example.org"
    answer = invite(portal, case, email=new, fullname="Nora Far", until=None)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "pending"
    provider.set_user(
        "dr.nora", {"email": new, "given_name": "Nora", "family_name": "Far"}
    )
    browser, landed = oidc_login(portal, provider, "dr.nora")
    assert landed.status_code == 200, landed.text
    json = {"Accept": "application/json"}
    assert browser.get(case.absolute_url(), headers=json).status_code == 200
    found = browser.get(
        f"{portal.absolute_url()}/@search?portal_type=Case", headers=json
    ).json()
    assert [i["@id"] for i in found["items"]] == [case.absolute_url()]
    transaction.begin()
    assert [g.userid for g in experts.experts_on(case)] == ["dr.nora"]
    assert api.user.get(userid="dr.nora").getProperty("email") == new


@pytest.mark.slow
def test_panel_page_shows_the_external_expert_in_chromium(demo_functional_portal):
    """The coordinator's panel page with an external expert, at 1280 and 390
    px: axe-core finds nothing serious, nothing scrolls sideways; the
    screenshots land in tests/artifacts/browser/coordinator/."""
    from plone.app.testing import SITE_OWNER_NAME

    from tests.browser.pages import DESKTOP
    from tests.browser.pages import axe_violations
    from tests.browser.pages import log_in
    from tests.browser.pages import screenshot
    from tests.browser.pages import sideways_overflow
    from tests.helpers.browser import chromium

    portal = demo_functional_portal
    case = portal["cases"]["demo-silver-otter"]
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        make_user("erin", ("Member",), email=ERIN)
        experts.invite(case, ERIN, "Erin Kovac", "ERKNet", None)
    transaction.commit()
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        log_in(page, portal.absolute_url(), "coordinator")
        page.goto(f"{case.absolute_url()}/@@panel", wait_until="networkidle")
        text = page.inner_text("main")
        assert "Erin\n" in text
        assert "External expert (network ERKNet), until " in text
        assert "Invite an expert of another network" in text
        assert axe_violations(page) == []
        screenshot(page, "coordinator/panel-external-expert")
        assert sideways_overflow(page) == 0
        screenshot(page, "coordinator/panel-external-expert")
