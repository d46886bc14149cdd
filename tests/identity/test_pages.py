"""Identity pages over HTTP: the login button, request access, logout."""

import requests
import transaction

from cpms.security import oidc


def test_login_page_without_provider_has_local_login_only(
    functional_portal, anon_request
):
    response = anon_request.get("/login", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "__ac_password" in response.text
    assert "cpms-oidc-login" not in response.text
    assert "Log in with EU Login" not in response.text


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
