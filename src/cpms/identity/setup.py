"""Install-time and run-time wiring of identity and access."""

from zope.globalrequest import getRequest

from cpms.identity import oidc
from cpms.identity import sessions
from cpms.identity import throttle

# Cookie that remembers a login came through the OIDC provider, so that
# logging out also ends the provider's session (see @@cpms-logout).
OIDC_LOGIN_COOKIE = "cpms_oidc_login"


def setup_identity(portal=None):
    """Called by the default profile's post_install (and safe to re-run)."""
    oidc.configure_from_environment(portal)
    sessions.apply_session_settings()
    throttle.install_plugin()


def on_registry_change(event):
    name = getattr(event.record, "__name__", "") or ""
    if name.startswith("cpms.identity.oidc_"):
        oidc.configure_from_environment()
    elif name.startswith("cpms.identity.session_"):
        sessions.apply_session_settings()


def on_login(event):
    request = getRequest()
    if request is None:
        return
    url = request.get("ACTUAL_URL", "") or request.get("URL", "")
    if f"/acl_users/{oidc.PLUGIN_ID}/callback" in url:
        request.response.setCookie(
            OIDC_LOGIN_COOKIE, "1", path="/", http_only=True, same_site="Lax"
        )
