"""The referral workflow through plone.restapi, with its mails, case and guest."""

import pytest
import requests
import transaction
from plone import api

from cpms.cases import states
from cpms.identity import guests
from cpms.referrals import states as referral_states
from cpms.referrals.actions import create_referral
from tests.referrals.conftest import PASSWORD
from tests.referrals.conftest import make_user
from tests.referrals.test_workflow import FIELDS


def session(portal, user=None):
    s = requests.Session()
    s.headers["Accept"] = "application/json"
    if user:
        s.auth = (user, PASSWORD)
    s.base = portal.absolute_url()
    return s


def call(s, method, path, **kw):
    return s.request(method, s.base + path, **kw)


@pytest.fixture
def referral(staff):
    with api.env.adopt_roles(["Manager"]):
        obj = create_referral(FIELDS)
    transaction.commit()
    return obj


def refresh(obj):
    transaction.begin()
    return obj


@pytest.mark.parametrize(
    "user,sees",
    [(None, False), ("hpro1", False), ("helpdesk1", True), ("coord1", True)],
)
def test_only_staff_see_referrals(staff, referral, user, sees):
    s = session(staff, user)
    path = f"/referrals/{referral.getId()}"
    response = call(s, "GET", path)
    assert (response.status_code == 200) == sees, response.status_code
    if sees:
        assert response.json()["summary"] == FIELDS["summary"]
        assert response.json()["review_state"] == "submitted"
    # (The layer may hold the demo referrals too: count this one only.)
    query = {"portal_type": "Referral", "getId": referral.getId()}
    found = call(s, "GET", "/@search", params=query).json()
    assert found.get("items_total", 0) == (1 if sees else 0)
    found = call(s, "GET", "/@search", params={"SearchableText": "Test"}).json()
    assert found.get("items_total", 0) == (1 if sees else 0)


def test_decline_needs_a_reason_and_mails_it(staff, referral, smtp_server):
    smtp_server.connect(staff)
    s = session(staff, "coord1")
    path = f"/referrals/{referral.getId()}/@workflow"
    assert call(s, "POST", f"{path}/start_review").status_code == 200

    response = call(s, "POST", f"{path}/decline", json={})
    assert response.status_code == 400
    assert "reason is required" in response.json()["message"]
    assert api.content.get_state(refresh(referral)) == referral_states.UNDER_REVIEW

    reason = "The condition is outside the network's expertise areas."
    response = call(s, "POST", f"{path}/decline", json={"comment": reason})
    assert response.status_code == 200
    assert response.json()["review_state"] == "declined"
    refresh(referral)
    assert referral.decline_reason == reason
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == FIELDS["clinician_email"]
    assert "cannot take the case" in mail["Subject"]
    assert reason in mail.get_content()


def test_helpdesk_triages_but_cannot_decide(staff, referral):
    s = session(staff, "helpdesk1")
    path = f"/referrals/{referral.getId()}/@workflow"
    assert call(s, "POST", f"{path}/start_review").status_code == 200
    response = call(s, "POST", f"{path}/accept")
    assert response.status_code in (400, 401, 403)
    assert api.content.get_state(refresh(referral)) == referral_states.UNDER_REVIEW


def test_request_info_goes_back_and_forth(staff, referral, smtp_server):
    smtp_server.connect(staff)
    s = session(staff, "coord1")
    path = f"/referrals/{referral.getId()}/@workflow"
    call(s, "POST", f"{path}/start_review")
    assert call(s, "POST", f"{path}/request_info", json={}).status_code == 400
    question = "Please add the results of the muscle biopsy."
    response = call(s, "POST", f"{path}/request_info", json={"comment": question})
    assert response.json()["review_state"] == "info_requested"
    (mail,) = smtp_server.wait_for(1)
    assert question in mail.get_content()
    assert mail["To"] == FIELDS["clinician_email"]
    response = call(s, "POST", f"{path}/provide_info", json={"comment": "Sent."})
    assert response.json()["review_state"] == "under_review"


def test_accept_creates_the_case_and_the_guest(staff, referral, smtp_server):
    make_user("anaref", [], FIELDS["clinician_email"])
    smtp_server.connect(staff)
    s = session(staff, "coord1")
    path = f"/referrals/{referral.getId()}/@workflow"
    call(s, "POST", f"{path}/start_review")
    response = call(s, "POST", f"{path}/accept")
    assert response.status_code == 200, response.text
    assert response.json()["review_state"] == "accepted"

    refresh(referral)
    with api.env.adopt_roles(["Manager"]):
        case = api.content.get(UID=referral.case_uid)
    assert case is not None and case.portal_type == "Case"
    assert api.content.get_state(case) == states.DRAFT
    assert case.clinical_summary == FIELDS["summary"]
    assert case.clinical_question == FIELDS["question"]
    assert case.urgent is False
    assert case.referring_clinician == "anaref"
    # No direct identifier of the referrer or the patient on the case.
    assert FIELDS["clinician_email"] not in repr(case.__dict__)
    (grant,) = guests.grants_on(case)
    assert grant.userid == "anaref"
    assert grant.until > guests.now()
    assert "Guest access for anaref" in referral.guest_invitation

    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == FIELDS["clinician_email"]
    assert "accepted" in mail["Subject"]
    assert case.absolute_url() in mail.get_content()

    # The guest sees the case through REST.
    guest = session(staff, "anaref")
    assert call(guest, "GET", f"/cases/{case.getId()}").status_code == 200


def test_accepted_referral_is_closed(staff, referral):
    s = session(staff, "coord1")
    path = f"/referrals/{referral.getId()}"
    call(s, "POST", f"{path}/@workflow/start_review")
    call(s, "POST", f"{path}/@workflow/accept")
    response = call(s, "PATCH", path, json={"summary": "changed"})
    assert response.status_code in (401, 403)
    response = call(s, "POST", f"{path}/@workflow/decline", json={"comment": "x"})
    assert response.status_code == 400
