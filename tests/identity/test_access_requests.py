"""Access requests over REST and the pages: validation, visibility, decisions."""

import transaction
from plone import api

from cpms.core.roles import COORDINATOR
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import HELPDESK
from tests.identity.conftest import authenticator
from tests.identity.conftest import make_user
from tests.identity.conftest import rest


def ask(session, portal, provider, profile="healthcare-professional"):
    return session.post(
        f"{portal.absolute_url()}/@access-requests",
        json={
            "healthcare_provider": provider,
            "profile": profile,
            "justification": "Clinical geneticist at this hospital.",
        },
    )


def test_provider_outside_eu_eea_is_refused(functional_portal, network):
    make_user("hanna")
    transaction.commit()
    response = ask(
        rest(functional_portal, "hanna"), functional_portal, network["outside"].UID()
    )
    assert response.status_code == 400
    error = response.json()
    assert error["type"] == "BadRequest"
    assert "Geneva Clinic is outside the European Union" in error["message"]
    assert error["message"].startswith("healthcare_provider: ")
    transaction.begin()
    assert not api.content.find(portal_type="AccessRequest", unrestricted=True)


def test_bad_input_names_the_fields(functional_portal, network):
    make_user("hanna")
    transaction.commit()
    response = rest(functional_portal, "hanna").post(
        f"{functional_portal.absolute_url()}/@access-requests",
        json={"healthcare_provider": "no-such-place", "profile": "surgeon"},
    )
    assert response.status_code == 400
    # Every field that failed, each named first: "field: problem; ...".
    errors = dict(
        part.split(": ", 1) for part in response.json()["message"].split("; ")
    )
    assert "Unknown healthcare provider" in errors["healthcare_provider"]
    assert "Unknown profile 'surgeon'" in errors["profile"]
    assert "justification" in errors


def test_anonymous_cannot_request(functional_portal, network):
    response = ask(rest(functional_portal), functional_portal, network["hcp"].UID())
    assert response.status_code == 401


def test_form_refuses_non_eu_provider_with_message(functional_portal, network):
    make_user("hanna")
    transaction.commit()
    import requests

    browser = requests.Session()
    browser.auth = ("hanna", "a-long-test-password-1")
    url = f"{functional_portal.absolute_url()}/@@request-access"
    page = browser.get(url)
    assert "Geneva Clinic (CH)" in page.text  # listed, so the refusal explains
    answer = browser.post(
        url,
        data={
            "_authenticator": authenticator(page.text),
            "healthcare_provider": network["outside"].UID(),
            "profile": "healthcare-professional",
            "justification": "Clinical geneticist at this hospital.",
            "submit": "1",
        },
    )
    assert answer.status_code == 200
    assert "outside the European Union and the European Economic Area" in answer.text


def test_only_requester_and_coordinators_see_a_request(
    functional_portal, network, coordinator
):
    make_user("hanna")
    make_user("other", ("Member", HEALTHCARE_PROFESSIONAL))
    make_user("desk", ("Member", HELPDESK))
    transaction.commit()
    created = ask(
        rest(functional_portal, "hanna"), functional_portal, network["hcp"].UID()
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert created.json()["review_state"] == "pending"

    assert rest(functional_portal, "hanna").get(url).status_code == 200
    assert rest(functional_portal, coordinator).get(url).status_code == 200
    assert rest(functional_portal, "other").get(url).status_code in (401, 403)
    assert rest(functional_portal, "desk").get(url).status_code in (401, 403)
    # Each sees their own list; the coordinator the queue.
    mine = rest(functional_portal, "hanna").get(
        f"{functional_portal.absolute_url()}/@access-requests"
    )
    assert [i["@id"] for i in mine.json()["items"]] == [url]
    theirs = rest(functional_portal, "other").get(
        f"{functional_portal.absolute_url()}/@access-requests"
    )
    assert theirs.json()["items"] == []
    # A second request while one is pending is refused.
    again = ask(
        rest(functional_portal, "hanna"), functional_portal, network["hcp"].UID()
    )
    assert again.status_code == 400
    assert "already have a pending" in again.json()["message"]
    # Requesters cannot decide their own request.
    self_approve = rest(functional_portal, "hanna").post(f"{url}/@workflow/approve")
    assert self_approve.status_code in (400, 401, 403)


def test_rejected_request_grants_nothing_and_tells_why(
    functional_portal, network, coordinator, smtp_server
):
    smtp_server.connect(functional_portal)
    make_user("hanna", email="hanna@hospital.example.org")
    transaction.commit()
    created = ask(
        rest(functional_portal, "hanna"),
        functional_portal,
        network["hcp"].UID(),
        "coordinator",
    )
    url = created.json()["@id"]

    # In the coordinator's queue page, rejecting needs a message.
    import requests

    browser = requests.Session()
    browser.auth = (coordinator, "a-long-test-password-1")
    queue_url = f"{functional_portal.absolute_url()}/@@access-requests-queue"
    queue = browser.get(queue_url)
    assert "Hanna" in queue.text and "Graz University Hospital" in queue.text
    uid = created.json()["UID"]
    silent = browser.post(
        queue_url,
        data={
            "_authenticator": authenticator(queue.text),
            "uid": uid,
            "action": "reject",
        },
    )
    assert "Say why the request is rejected." in silent.text
    done = browser.post(
        queue_url,
        data={
            "_authenticator": authenticator(queue.text),
            "uid": uid,
            "action": "reject",
            "message": "Coordinators are named by the network board.",
        },
    )
    assert done.status_code == 200
    assert "No request is waiting." in done.text

    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "hanna@hospital.example.org"
    assert "not approved" in mail["Subject"]
    assert "Coordinators are named by the network board." in mail.get_content()

    data = rest(functional_portal, "hanna").get(url).json()
    assert data["review_state"] == "rejected"
    mine = rest(functional_portal, "hanna").get(
        f"{functional_portal.absolute_url()}/@access-requests"
    )
    assert mine.json()["items"][0]["decision_message"].startswith("Coordinators")
    transaction.begin()
    assert COORDINATOR not in api.user.get_roles(username="hanna")
    assert api.group.get(groupname="hcp-graz-university-hospital") is None


def test_request_page_and_coordinator_links(functional_portal, network, coordinator):
    import requests

    make_user("hanna")
    transaction.commit()
    created = ask(
        rest(functional_portal, "hanna"), functional_portal, network["hcp"].UID()
    )
    page = requests.get(
        created.json()["@id"], auth=("hanna", "a-long-test-password-1"), timeout=30
    )
    assert page.status_code == 200
    assert "Graz University Hospital" in page.text
    assert "Healthcare professional" in page.text
    assert network["hcp"].UID() not in page.text
    assert "Decide in the queue" not in page.text
    home = requests.get(
        functional_portal.absolute_url(),
        auth=(coordinator, "a-long-test-password-1"),
        timeout=30,
    )
    assert "@@access-requests-queue" in home.text
    assert "@@guest-access" in home.text
    member_home = requests.get(
        functional_portal.absolute_url(),
        auth=("hanna", "a-long-test-password-1"),
        timeout=30,
    )
    assert "@@access-requests-queue" not in member_home.text
    assert "@@request-access" in member_home.text
