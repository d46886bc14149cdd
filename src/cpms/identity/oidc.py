"""OpenID Connect login (EU Login or any provider) through pas.plugins.oidc.

The provider is configured in code, never in the ZMI: environment variables
win over the registry records ``cpms.identity.oidc_*`` (profiles/default/
registry/identity.xml).  ``configure_from_environment`` applies them to
``acl_users/oidc``; it runs at install and at every ``make start``
(scripts/create_site.py).  With no issuer or client id the plugin stays
inert: the login button is hidden and the local Plone login works as usual.

Environment variables: CPMS_OIDC_ISSUER, CPMS_OIDC_CLIENT_ID,
CPMS_OIDC_CLIENT_SECRET, CPMS_OIDC_SCOPES (space or comma separated),
CPMS_OIDC_USE_PKCE (1/0), CPMS_OIDC_REDIRECT_URI, CPMS_OIDC_LOGIN_LABEL.
"""

import os
import re
from urllib.parse import quote

from pas.plugins.oidc.setuphandlers import post_install as add_oidc_plugin
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IChallengePlugin
from zope.component.hooks import setSite

from cpms import logger

PLUGIN_ID = "oidc"
PREFIX = "cpms.identity."
DEFAULT_LABEL = "Log in with EU Login"
# Where the provider sends people back after a login: this view decides
# between the "request access" page and the page they came from.
AFTER_LOGIN_VIEW = "@@cpms-after-login"


def _record(name, default=None):
    return api.portal.get_registry_record(PREFIX + name, default=default)


def _env(name):
    value = os.environ.get(name)
    return value.strip() if value is not None else None


def settings() -> dict:
    """The effective settings: environment first, then the registry."""
    scopes = _env("CPMS_OIDC_SCOPES")
    scopes = (
        [s for s in re.split(r"[\s,]+", scopes) if s]
        if scopes is not None
        else list(_record("oidc_scopes", default=None) or [])
    )
    # openid is what makes it OpenID Connect (an id token, a userinfo call).
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    pkce = _env("CPMS_OIDC_USE_PKCE")
    return {
        "issuer": _env("CPMS_OIDC_ISSUER") or _record("oidc_issuer", "") or "",
        "client_id": _env("CPMS_OIDC_CLIENT_ID") or _record("oidc_client_id", "") or "",
        "client_secret": _env("CPMS_OIDC_CLIENT_SECRET")
        or _record("oidc_client_secret", "")
        or "",
        "scope": tuple(scopes),
        "use_pkce": (
            pkce.lower() not in ("0", "false", "no", "off")
            if pkce is not None
            else bool(_record("oidc_use_pkce", True))
        ),
        "redirect_uri": _env("CPMS_OIDC_REDIRECT_URI") or "",
        "label": _env("CPMS_OIDC_LOGIN_LABEL")
        or _record("oidc_login_label", DEFAULT_LABEL)
        or DEFAULT_LABEL,
    }


def get_plugin():
    acl_users = api.portal.get_tool("acl_users")
    return acl_users.get(PLUGIN_ID) if PLUGIN_ID in acl_users.objectIds() else None


def ensure_plugin():
    plugin = get_plugin()
    if plugin is None:
        plugin = add_oidc_plugin(None)
    return plugin


def is_configured() -> bool:
    plugin = get_plugin()
    return bool(
        plugin is not None
        and plugin.getProperty("issuer")
        and plugin.getProperty("client_id")
    )


def login_label() -> str:
    return settings()["label"]


def login_url(came_from: str = "") -> str:
    """The URL of the "Log in with EU Login" button."""
    portal_url = api.portal.get().absolute_url()
    target = f"{portal_url}/{AFTER_LOGIN_VIEW}"
    if came_from:
        target = f"{target}?came_from={quote(came_from, safe='')}"
    return (
        f"{portal_url}/acl_users/{PLUGIN_ID}/login?came_from={quote(target, safe='')}"
    )


def configure_from_environment(portal=None) -> bool:
    """Apply the effective settings to acl_users/oidc; True if OIDC is on."""
    if portal is not None:
        setSite(portal)
    conf = settings()
    plugin = ensure_plugin()
    plugin.manage_changeProperties(
        issuer=conf["issuer"],
        client_id=conf["client_id"],
        client_secret=conf["client_secret"],
        scope=conf["scope"],
        use_pkce=conf["use_pkce"],
        redirect_uris=(conf["redirect_uri"],) if conf["redirect_uri"] else (),
        create_user=True,
        create_groups=False,
        create_ticket=True,
        create_restapi_ticket=False,
        use_session_data_manager=False,
        user_property_as_userid="sub",
    )
    _deactivate_challenge(plugin)
    enabled = is_configured()
    logger.info(
        "OpenID Connect login %s",
        f"on (issuer {conf['issuer']})" if enabled else "off (no issuer/client id)",
    )
    return enabled


def _deactivate_challenge(plugin):
    """Keep Plone's own challenge (the login form, which offers both logins).

    Left active, the OIDC challenge would send every unauthorised request to
    the provider, locking site administrators out of the local login and
    failing outright when no provider is configured.
    """
    plugins = api.portal.get_tool("acl_users").plugins
    if PLUGIN_ID in plugins.listPluginIds(IChallengePlugin):
        plugins.deactivatePlugin(IChallengePlugin, PLUGIN_ID)
