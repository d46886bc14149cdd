"""A referred case: the coordinator who accepts the referral is recorded as
such (not as the case's Owner), and the referrer, its guest clinician,
completes the draft and submits it, through the web UI (zope.testbrowser,
plone.protect on) and through REST."""

import base64
import re

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.testing.zope import Browser

from cpms.cases import states
from cpms.core import audit
from cpms.core.roles import COORDINATOR
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import MEMBER
from cpms.core.roles import OWNER
from cpms.identity import guests
from cpms.referrals import states as referral_states
from cpms.referrals.actions import create_referral
from tests.collaboration.test_filecheck import PNG_IMAGE
from tests.helpers.network import make_test_network
from tests.referrals.test_workflow import FIELDS

PASSWORD = "referred-case-2026"
REFERRER_EMAIL = "ana.referrer@outside-hospital.example"


def _user(userid, roles, fullname, email):
    if api.user.get(userid=userid) is None:
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            api.user.create(
                username=userid,
                email=email,
                password=PASSWORD,
                roles=list(roles),
                properties={"fullname": fullname},
            )


@pytest.fixture
def referred(functional_portal, smtp_server):
    """A referral from an outside clinician with an account, accepted by a
    coordinator (committed: the server sees it). Returns (case, referral)."""
    portal = functional_portal
    smtp_server.connect(portal)
    area, provider = make_test_network(portal, provider_id="graz-hospital")
    with api.env.adopt_roles(["Manager"]):
        # The network's pages are public, as on a real site.
        for obj in (area, provider):
            api.content.transition(obj=obj, transition="publish")
    _user("cora", (MEMBER, COORDINATOR), "Cora Coordinator", "cora@network.example")
    _user("anaref", (MEMBER,), "Ana Referrer", REFERRER_EMAIL)
    with api.env.adopt_roles(["Manager"]):
        referral = create_referral(
            FIELDS | {"clinician_email": REFERRER_EMAIL, "expertise_area": area.UID()}
        )
    wf = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(username="cora"):
        wf.doActionFor(referral, referral_states.START_REVIEW)
        wf.doActionFor(referral, referral_states.ACCEPT)
    catalog = api.portal.get_tool("portal_catalog")
    case = catalog.unrestrictedSearchResults(UID=referral.case_uid)[0]
    case = case._unrestrictedGetObject()
    transaction.commit()
    return case, referral, provider


def test_the_accepting_coordinator_is_recorded_not_made_owner(referred, smtp_server):
    case, referral, provider = referred
    # Not the case's Owner (nor any other role on it): a coordinator already
    # sees and manages every case.
    assert case.get_local_roles_for_userid("cora") == ()
    assert OWNER not in api.user.get_roles(username="cora", obj=case)
    assert case.listCreators() == ()
    # Recorded as the one who accepted.
    assert case.accepted_by == "cora"
    assert referral.accepted_by == "cora"
    (entry,) = [e for e in audit.entries(case) if e["action"] == "referral_accepted"]
    assert entry["actor"] == "cora"
    assert entry["message"] == (
        f"Created from referral {referral.getId()}, accepted by Cora Coordinator."
    )
    # The referrer is the case's guest clinician (an expiring grant) and its
    # referring clinician; nobody is its Owner.
    assert [g.userid for g in guests.grants_on(case)] == ["anaref"]
    assert case.referring_clinician == "anaref"
    # Its centre is the member centre covering the referral's expertise area,
    # which takes the case (the referrer's own hospital is no member).
    assert case.referring_hcp == provider.UID()
    roles = api.user.get_roles(username="anaref", obj=case)
    assert GUEST_CLINICIAN in roles and OWNER not in roles
    assert not [p for p, r in case.get_local_roles() if OWNER in r]
    # One mail to the referrer: the acceptance letter says all (no second
    # "guest access" mail for the same grant).
    mails = smtp_server.wait_for(1)
    assert [m["To"] for m in mails] == [REFERRER_EMAIL]
    assert "was accepted" in mails[0]["Subject"]


def _browser(app):
    browser = Browser(app)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic anaref:{PASSWORD}")
    return browser


def _text(browser):
    return " ".join(re.sub(r"<[^>]+>", " ", browser.contents).split())


def test_the_guest_completes_and_submits_the_case_in_the_web_ui(
    functional, referred, smtp_server
):
    case, _referral, provider = referred
    smtp_server.clear()
    guest = _browser(functional["app"])
    guest.open(case.absolute_url())
    assert case.case_id in guest.contents

    # A file, with the case's add form.
    guest.open(f"{case.absolute_url()}/++add++MedicalFile")
    guest.getControl(name="form.widgets.IBasic.title").value = "X-ray"
    guest.getControl(name="form.widgets.file").add_file(
        PNG_IMAGE, "image/png", "xray.png"
    )
    guest.getControl(name="form.buttons.save").click()
    assert "Item created" in guest.contents, _text(guest)[-3000:]

    # The one-page form: the missing facts and the care consent; then
    # "Submit the case". The centre is the member centre that took the
    # referral: the outside guest, who belongs to none, is not asked.
    guest.open(f"{case.absolute_url()}/@@edit-case")
    with pytest.raises(LookupError):
        guest.getControl(name="field.referring_hcp")
    guest.getControl(name="field.sex").value = ["female"]
    guest.getControl(name="field.year_of_birth").value = "2019"
    guest.getControl(name="consent.form").value = ["other"]
    guest.getControl(name="consent.language").value = ["en"]
    guest.getControl(name="consent.version").value = "1.0"
    guest.getControl(name="consent.date").value = "2026-01-12"
    guest.getControl(name="form.submit").click()
    assert "is submitted: the coordinators are told" in _text(guest)

    transaction.begin()
    assert api.content.get_state(case) == states.SUBMITTED
    kinds = {o.portal_type for o in case.objectValues()}
    assert {"ConsentRecord", "MedicalFile"} <= kinds
    assert case.referring_hcp == provider.UID()
    # The coordinators are told.
    mails = [m for m in smtp_server.wait_for(1) if m["To"] == "cora@network.example"]
    assert f"Case {case.case_id}" in mails[0]["Subject"]
    assert "submitted" in mails[0]["Subject"]
    # Submitted: read-only for the guest again.
    assert "Modify portal content" not in [
        p["name"]
        for p in case.permissionsOfRole(GUEST_CLINICIAN)
        if p["selected"] == "SELECTED"
    ]


def test_the_guest_completes_and_submits_the_case_over_rest(referred, smtp_server):
    case, _referral, provider = referred
    guest = requests.Session()
    guest.auth = ("anaref", PASSWORD)
    guest.headers["Accept"] = "application/json"
    url = f"{case.absolute_url()}"

    refused = guest.post(f"{url}/@workflow/{states.SUBMIT}")
    assert refused.status_code == 400  # not ready yet, and it says why
    assert "care consent" in refused.json()["message"]

    edited = guest.patch(
        url,
        json={
            "sex": "male",
            "year_of_birth": 2018,
        },
    )
    assert edited.status_code == 204, edited.text
    consent = guest.post(
        url,
        json={
            "@type": "ConsentRecord",
            "kind": "care",
            "consent_language": "en",
            "consent_version": "1.0",
            "consent_date": "2026-01-12",
            "recorded_by": "anaref",
        },
    )
    assert consent.status_code == 201, consent.text
    upload = guest.post(
        url,
        json={
            "@type": "MedicalFile",
            "title": "xray.png",
            "file": {
                "data": base64.b64encode(PNG_IMAGE).decode(),
                "encoding": "base64",
                "filename": "xray.png",
                "content-type": "image/png",
            },
        },
    )
    assert upload.status_code == 201, upload.text
    submitted = guest.post(f"{url}/@workflow/{states.SUBMIT}")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["review_state"] == states.SUBMITTED

    # Now read-only for the guest; still visible.
    assert guest.patch(url, json={"year_of_birth": 2017}).status_code in (401, 403)
    assert guest.get(url).status_code == 200

    # The coordinator asks for more: the guest is told, answers and submits again.
    smtp_server.clear()
    coordinator = requests.Session()
    coordinator.auth = ("cora", PASSWORD)
    coordinator.headers["Accept"] = "application/json"
    asked = coordinator.post(
        f"{url}/@workflow/{states.REQUEST_INFO}",
        json={"comment": "Please add the ultrasound report."},
    )
    assert asked.status_code == 200, asked.text
    mails = [m for m in smtp_server.wait_for(1) if m["To"] == REFERRER_EMAIL]
    assert "More information requested for case" in mails[0]["Subject"]
    assert guest.patch(url, json={"year_of_birth": 2017}).status_code == 204
    answered = guest.post(
        f"{url}/@workflow/{states.SUBMIT}",
        json={"comment": "Ultrasound report added."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["review_state"] == states.SUBMITTED
    guest.close()
    coordinator.close()
