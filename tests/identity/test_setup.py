"""Identity setup: the OIDC plugin, session settings, the access request type."""

from plone import api

from cpms.identity import oidc


def test_oidc_plugin_installed_but_off_without_provider(portal):
    plugin = portal.acl_users.oidc
    assert plugin.getProperty("issuer") == ""
    assert oidc.is_configured() is False
    assert "openid" in plugin.getProperty("scope")
    assert plugin.getProperty("use_pkce") is True


def test_oidc_challenge_leaves_local_login(portal):
    from Products.PluggableAuthService.interfaces.plugins import IChallengePlugin

    assert "oidc" not in portal.acl_users.plugins.listPluginIds(IChallengePlugin)


def test_configure_from_environment(portal, monkeypatch):
    monkeypatch.setenv("CPMS_OIDC_ISSUER", "https://ecas.example.org/cas/oauth2")
    monkeypatch.setenv("CPMS_OIDC_CLIENT_ID", "cpms")
    monkeypatch.setenv("CPMS_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("CPMS_OIDC_SCOPES", "email profile")
    assert oidc.configure_from_environment(portal) is True
    plugin = portal.acl_users.oidc
    assert plugin.getProperty("client_secret") == "s3cret"
    assert plugin.getProperty("scope") == ("openid", "email", "profile")


def test_session_settings_from_registry(portal):
    api.portal.set_registry_record("cpms.identity.session_idle_timeout", 900)
    api.portal.set_registry_record("cpms.identity.session_max_lifetime", 7200)
    assert portal.acl_users.session.getProperty("timeout") == 900
    assert portal.acl_users.jwt_auth.token_timeout == 7200
    assert portal.acl_users.cpms_session_lifetime.max_lifetime == 7200
