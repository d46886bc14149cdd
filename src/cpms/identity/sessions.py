"""Login sessions: idle timeout and absolute lifetime from the registry.

plone.session (``acl_users/session``) signs the ``__ac`` ticket (HttpOnly,
SameSite=Lax, Secure when ``cpms.identity.session_secure_cookie`` is on or
CPMS_SECURE_COOKIES=1) and refuses a ticket older than its ``timeout``: that
is the idle timeout.  plone.session has no absolute lifetime, so a small PAS
extraction plugin (``acl_users/cpms_session_lifetime``), placed before it:

- stamps the session's start into the ticket's signed user data on the first
  request after a login;
- slides the ticket forward while the user is active (so ``timeout`` only
  ends idle sessions);
- drops the ticket once the session is older than the absolute lifetime.

REST tokens from ``@login`` (``acl_users/jwt_auth``) get the absolute lifetime
as their expiry.
"""

import binascii
import os
import time

from AccessControl.class_init import InitializeClass
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IExtractionPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from Products.PluggableAuthService.utils import classImplements

PLUGIN_ID = "cpms_session_lifetime"
START_PREFIX = "cpms-start:"


def _parse_start(user_data):
    if isinstance(user_data, bytes):
        user_data = user_data.decode("utf-8", "replace")
    if user_data and user_data.startswith(START_PREFIX):
        try:
            return int(user_data[len(START_PREFIX) :])
        except ValueError:
            return None
    return None


class SessionLifetimePlugin(BasePlugin):
    """Ends plone.session tickets after an absolute lifetime; see module doc."""

    meta_type = "CPMS Session Lifetime Plugin"
    max_lifetime = 12 * 60 * 60
    idle_timeout = 60 * 60

    def __init__(self, id, title=None):  # noqa: A002 - PAS signature
        self._setId(id)
        self.title = title

    def extractCredentials(self, request):
        pas = self._getPAS()
        session = pas.get("session") if pas is not None else None
        if session is None:
            return {}
        name = session.getProperty("cookie_name")
        raw = request.cookies.get(name)
        if not raw:
            return {}
        try:
            ticket = binascii.a2b_base64(raw)
        except (binascii.Error, TypeError):
            return {}
        now = time.time()
        data = session._validateTicket(ticket, now)
        if data is None:
            return {}
        _digest, userid, tokens, user_data, timestamp = data
        start = _parse_start(user_data)
        response = request.response
        if start is None:
            # First request of a new session: the ticket was just issued.
            session._setupSession(
                userid, response, tokens, f"{START_PREFIX}{int(timestamp)}"
            )
        elif now - start > self.max_lifetime:
            self._drop_ticket(request, session, name)
        elif now - timestamp > max(self.idle_timeout // 4, 1):
            session._setupSession(userid, response, tokens, user_data)
        return {}

    def _drop_ticket(self, request, session, name):
        # Remove the cookie before plone.session's own extractor reads it.
        for mapping in (request.cookies, request.other, request.form):
            mapping.pop(name, None)
        session.resetCredentials(request, request.response)


InitializeClass(SessionLifetimePlugin)
classImplements(SessionLifetimePlugin, IExtractionPlugin)


def _secure_cookies() -> bool:
    env = os.environ.get("CPMS_SECURE_COOKIES")
    if env is not None:
        return env.strip().lower() in ("1", "true", "yes", "on")
    return bool(
        api.portal.get_registry_record(
            "cpms.identity.session_secure_cookie", default=False
        )
    )


def apply_session_settings():
    """Copy the registry's session settings onto the PAS plugins."""
    idle = api.portal.get_registry_record(
        "cpms.identity.session_idle_timeout", default=3600
    )
    lifetime = api.portal.get_registry_record(
        "cpms.identity.session_max_lifetime", default=43200
    )
    acl_users = api.portal.get_tool("acl_users")
    session = acl_users.get("session")
    if session is not None:
        session.manage_changeProperties(timeout=idle, secure=_secure_cookies())
    jwt = acl_users.get("jwt_auth")
    if jwt is not None:
        jwt.token_timeout = lifetime
    plugin = acl_users.get(PLUGIN_ID)
    if plugin is None:
        acl_users._setObject(
            PLUGIN_ID, SessionLifetimePlugin(PLUGIN_ID, "Session lifetime")
        )
        plugin = acl_users[PLUGIN_ID]
        plugin.manage_activateInterfaces(["IExtractionPlugin"])
    acl_users.plugins.movePluginsTop(IExtractionPlugin, [PLUGIN_ID])
    plugin.max_lifetime = lifetime
    plugin.idle_timeout = idle
