"""The whole journey with a real OpenID Connect provider process.

A clinician logs in through the provider (authorization code + PKCE over
HTTP), lands on "Request access" as a member with no clinical rights, asks
for access, a coordinator approves, and the clinician enrols a case.
"""

import transaction
from plone import api

from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.identity.access_requests import group_id_for
from tests.identity.conftest import authenticator
from tests.identity.conftest import case_fields
from tests.identity.conftest import make_case
from tests.identity.conftest import oidc_login
from tests.identity.conftest import rest


def test_first_login_request_approve_enrol(
    oidc_portal, provider, network, coordinator, smtp_server
):
    portal = oidc_portal
    portal_url = portal.absolute_url()
    existing = make_case(portal, network)
    transaction.commit()
    smtp_server.connect(portal)
    provider.set_user(
        "dr.ana",
        {
            "email": "ana@hospital.example.org",
            "given_name": "Ana",
            "family_name": "Lind",
        },
    )

    browser, landed = oidc_login(portal, provider, "dr.ana")

    # Logged in, and sent to "Request access" (first login, no rights yet).
    assert landed.status_code == 200, landed.text
    assert landed.url.endswith("/@@request-access")
    assert "Request access" in landed.text
    assert provider.pkce_verified() == 1
    transaction.begin()
    member = api.user.get(userid="dr.ana")
    assert member is not None
    assert member.getProperty("email") == "ana@hospital.example.org"
    assert member.getProperty("fullname") == "Ana Lind"
    assert not {"Healthcare Professional", "Coordinator", "Helpdesk"} & set(
        api.user.get_roles(username="dr.ana")
    )

    # No access to any case: neither the case itself nor in search results.
    json = {"Accept": "application/json"}
    assert browser.get(existing.absolute_url(), headers=json).status_code in (401, 403)
    found = browser.get(f"{portal_url}/@search?portal_type=Case", headers=json).json()
    assert found["items_total"] == 0

    # Ask for access with the page's form.
    page = browser.get(f"{portal_url}/@@request-access")
    sent = browser.post(
        f"{portal_url}/@@request-access",
        data={
            "_authenticator": authenticator(page.text),
            "healthcare_provider": network["hcp"].UID(),
            "profile": "healthcare-professional",
            "justification": "Paediatric urologist, I refer bladder cases.",
            "submit": "1",
        },
    )
    assert sent.status_code == 200
    assert "Your request was sent" in sent.text
    assert "pending" in sent.text

    # The coordinator's queue lists it; approval goes through @workflow.
    coord = rest(portal, coordinator)
    queue = coord.get(f"{portal_url}/@access-requests").json()
    (item,) = queue["items"]
    assert item["requester"] == "dr.ana"
    assert item["healthcare_provider_title"] == "Graz University Hospital"
    approved = coord.post(
        f"{item['@id']}/@workflow/approve", json={"comment": "Welcome to the network."}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["review_state"] == "approved"

    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "ana@hospital.example.org"
    assert "approved" in mail["Subject"]
    assert "Welcome to the network." in mail.get_content()

    transaction.begin()
    assert HEALTHCARE_PROFESSIONAL in api.user.get_roles(username="dr.ana")
    group = group_id_for(network["hcp"])
    assert "dr.ana" in [u.getId() for u in api.user.get_users(groupname=group)]

    # Now a healthcare professional: enrol a case (same login session).
    body = dict(case_fields(network, clinician="dr.ana"), **{"@type": "Case"})
    created = browser.post(f"{portal_url}/cases", json=body, headers=json)
    assert created.status_code == 201, created.text
    mine = browser.get(created.json()["@id"], headers=json)
    assert mine.status_code == 200
    # ...and still not the case they were never given.
    assert browser.get(existing.absolute_url(), headers=json).status_code in (401, 403)


def test_logout_ends_portal_and_provider_sessions(oidc_portal, provider, network):
    portal_url = oidc_portal.absolute_url()
    browser, _ = oidc_login(oidc_portal, provider, "dr.ben")
    json = {"Accept": "application/json"}
    assert browser.get(f"{portal_url}/@users/dr.ben", headers=json).status_code == 200

    out = browser.get(f"{portal_url}/@@cpms-logout")

    # The browser ends on the provider's end-session page, which will send
    # it back to the portal.
    assert out.url.startswith(f"{provider.url}/oauth2/end_session"), out.url
    assert "post_logout_redirect_uri" in out.url
    assert browser.get(f"{portal_url}/@users/dr.ben", headers=json).status_code == 401


def test_returning_member_with_access_goes_home(oidc_portal, provider, network):
    oidc_login(oidc_portal, provider, "dr.cleo")
    transaction.begin()
    api.user.grant_roles(username="dr.cleo", roles=[HEALTHCARE_PROFESSIONAL])
    transaction.commit()
    _browser, landed = oidc_login(oidc_portal, provider, "dr.cleo")
    assert landed.status_code == 200
    # A healthcare professional's home is My cases (with its "New case").
    assert landed.url == f"{oidc_portal.absolute_url()}/@@my-cases"


def test_pkce_is_enforced_by_the_provider(oidc_portal, provider, network):
    """The provider refuses a login without PKCE, so the journey above proves
    the portal sends a challenge and redeems the code with its verifier."""
    import requests

    from cpms.identity import oidc

    oidc_portal.acl_users.oidc.use_pkce = False
    transaction.commit()
    try:
        start = requests.get(oidc.login_url(), timeout=30)
        assert start.status_code == 400
        assert "PKCE required" in start.text
    finally:
        oidc_portal.acl_users.oidc.use_pkce = True
        transaction.commit()
