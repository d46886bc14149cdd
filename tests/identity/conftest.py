"""Fixtures of the identity tests: a real OIDC provider, a small network,
a coordinator, and HTTP helpers against the functional server."""

import html
import re
from urllib.parse import parse_qs
from urllib.parse import urlparse

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles

from cpms.core.roles import COORDINATOR
from cpms.identity import oidc
from tests.helpers.network import make_test_network
from tests.identity.oidc_provider import OIDCProvider

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def provider():
    """oidc-provider-mock on a free loopback port, PKCE enforced."""
    process = OIDCProvider().start()
    yield process
    process.stop()


@pytest.fixture
def oidc_portal(functional_portal, provider, monkeypatch):
    """The functional portal, logging in through ``provider``."""
    monkeypatch.setenv("CPMS_OIDC_ISSUER", provider.url)
    monkeypatch.setenv("CPMS_OIDC_CLIENT_ID", "cpms-test")
    monkeypatch.setenv("CPMS_OIDC_CLIENT_SECRET", "cpms-test-secret")
    monkeypatch.setenv("CPMS_OIDC_SCOPES", "openid profile email")
    assert oidc.configure_from_environment(functional_portal)
    transaction.commit()
    return functional_portal


def make_network(portal):
    area, hcp = make_test_network(
        portal, "graz-university-hospital", "Graz University Hospital"
    )
    # Outside the EU/EEA: set directly, the schema's vocabulary would refuse it.
    outside = api.content.create(
        container=portal["network"],
        type="HealthcareProvider",
        id="geneva-clinic",
        title="Geneva Clinic",
        country="AT",
        city="Geneva",
    )
    outside.country = "CH"
    outside.reindexObject()
    for obj in (area, hcp, outside):
        if api.content.get_state(obj, default=None) == "private":
            api.content.transition(obj=obj, to_state="published")
    return {"area": area, "hcp": hcp, "outside": outside}


@pytest.fixture
def network(functional_portal):
    data = make_network(functional_portal)
    transaction.commit()
    return data


@pytest.fixture
def int_network(portal):
    return make_network(portal)


def case_fields(network, clinician=TEST_USER_ID):
    return {
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": network["hcp"].UID(),
        "referring_clinician": clinician,
        "expertise_area": network["area"].UID(),
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
    }


def make_case(portal, network, nickname="Blue Heron"):
    from cpms.cases.case_id import create_case

    setRoles(portal, TEST_USER_ID, ["Manager"])
    return create_case(portal["cases"], **dict(case_fields(network), nickname=nickname))


def make_user(userid, roles=("Member",), email=None):
    return api.user.create(
        username=userid,
        email=email or f"{userid}@example.org",
        password=PASSWORD,
        roles=list(roles),
        properties={"fullname": userid.title()},
    )


@pytest.fixture
def coordinator(functional_portal):
    make_user("coord", ("Member", COORDINATOR))
    transaction.commit()
    return "coord"


def rest(portal, userid=None):
    """A requests session speaking JSON to the portal, with Basic auth."""
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    # No keep-alive: tests move the clock, and the server closes connections
    # it then believes idle for days.
    session.headers["Connection"] = "close"
    if userid:
        session.auth = (userid, PASSWORD)
    session.base = portal.absolute_url()
    return session


def authenticator(page_html: str) -> str:
    return re.search(r'name="_authenticator"\s+value="([^"]+)"', page_html).group(1)


def oidc_login(portal, provider, sub):
    """The browser's way in: the login page's button, the provider's form.

    Returns the session (holding the portal's cookies) and the last response.
    """
    session = requests.Session()
    page = session.get(f"{portal.absolute_url()}/login", timeout=30)
    match = re.search(r'id="cpms-oidc-login" href="([^"]+)"', page.text)
    assert match, "no 'Log in with EU Login' button on the login page"
    form = session.get(html.unescape(match.group(1)), timeout=30)
    assert form.status_code == 200, form.text
    assert form.url.startswith(f"{provider.url}/oauth2/authorize")
    query = parse_qs(urlparse(form.url).query)
    # What the portal asked for: the code flow with openid and PKCE (S256).
    assert query["response_type"] == ["code"]
    assert "openid" in query["scope"][0].split()
    assert query["code_challenge_method"] == ["S256"]
    done = session.post(form.url, data={"sub": sub}, timeout=60)
    return session, done
