"""Identity pages over HTTP: the login button, request access, logout."""

import requests
import transaction

from cpms.identity import oidc


def test_login_page_without_provider_has_local_login_only(
    functional_portal, anon_request
):
    response = anon_request.get("/login", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "__ac_password" in response.text
    assert "cpms-oidc-login" not in response.text
    assert "Log in with EU Login" not in response.text
    home = requests.get(functional_portal.absolute_url(), timeout=30)
    assert "Log in with EU Login" not in home.text
    assert "/login" in home.text  # the personal bar's local login stays


def test_login_page_with_provider_shows_button(
    functional_portal, anon_request, monkeypatch
):
    monkeypatch.setenv("CPMS_OIDC_ISSUER", "http://127.0.0.1:9/")
    monkeypatch.setenv("CPMS_OIDC_CLIENT_ID", "cpms")
    oidc.configure_from_environment(functional_portal)
    transaction.commit()
    response = anon_request.get("/login", headers={"Accept": "text/html"})
    assert 'id="cpms-oidc-login"' in response.text
    assert "acl_users/oidc/login" in response.text
    home = requests.get(functional_portal.absolute_url(), timeout=30)
    assert "Log in with EU Login" in home.text


def test_local_logout_without_provider(functional_portal):
    from tests.identity.conftest import PASSWORD
    from tests.identity.conftest import make_user

    make_user("lou")
    transaction.commit()
    session = requests.Session()
    session.post(
        f"{functional_portal.absolute_url()}/login",
        data={"__ac_name": "lou", "__ac_password": PASSWORD, "buttons.login": "Log in"},
    )
    assert "__ac" in session.cookies
    out = session.get(f"{functional_portal.absolute_url()}/@@cpms-logout")
    assert out.status_code == 200
    assert out.url.startswith(functional_portal.absolute_url())  # no provider
    assert "__ac" not in session.cookies
    me = session.get(
        f"{functional_portal.absolute_url()}/@users/lou",
        headers={"Accept": "application/json"},
    )
    assert me.status_code == 401
