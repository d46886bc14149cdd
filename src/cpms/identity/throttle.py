"""Login throttling: at most 100 failed logins per account per hour (ASVS 2.2.1).

A PAS authentication plugin (``acl_users/cpms_login_throttle``) is placed
first among the authenticators.  For credentials with a login and a password
(the login form, HTTP Basic, ``@login``) it asks the other authenticators
itself and then clears the credentials, so that PAS does not check the same
password twice:

- an account that had ``MAX_FAILURES`` failed logins in the last
  ``WINDOW`` seconds is refused before any password is checked, with a
  message that says so and when to try again (a status message on the login
  form; ``@login`` answers 429 with ``Retry-After``, ``services/login``);
- a login no authenticator accepts counts as one failure of that account
  (unknown accounts too, so the answer does not tell which accounts exist).

A successful login does not reset the count: otherwise the account's owner
logging in would give an attacker another hundred tries within the hour.

The counts live in this process's memory (a dict under a lock), out of the
ZODB: a brute-force attack then writes nothing to the database and cannot
cause conflict errors.  The price: they are per process and lost on restart,
so with N Zope processes an account gets at most N x 100 failed logins per
hour.  The load balancer's per-client rate limit (docs/deployment.md) bounds
the rest.  The Zope root's own user folder (the ``admin`` of ``make start``)
is outside the site's PAS: logins it accepts are not failures here.
"""

import collections
import logging
import math
import threading
import time

from AccessControl.class_init import InitializeClass
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from Products.PluggableAuthService.utils import classImplements
from Products.statusmessages.interfaces import IStatusMessage
from zope.globalrequest import getRequest

logger = logging.getLogger(__name__)

PLUGIN_ID = "cpms_login_throttle"
MAX_FAILURES = 100
WINDOW = 3600
# Logins tracked at once; beyond that the least recently failed are forgotten,
# so that a spray of random names cannot grow the process without bound.
MAX_TRACKED = 100_000
# Request keys: the failed logins of this request already counted; a refusal
# already told (PAS may check the same credentials more than once).
COUNTED = "cpms.login_throttle.counted"
REFUSED = "cpms.login_throttle.refused"


class FailureCounter:
    """Failed logins per account in a sliding window, thread-safe."""

    def __init__(self, limit=MAX_FAILURES, window=WINDOW, tracked=MAX_TRACKED):
        self.limit = limit
        self.window = window
        self.tracked = tracked
        self._failures = collections.OrderedDict()
        self._pending = collections.Counter()
        self._lock = threading.Lock()

    @staticmethod
    def key(login) -> str:
        return str(login).strip().lower()

    def _recent(self, key, now):
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def retry_after(self, login, now=None) -> int:
        """Seconds until `login` may try again; 0 when it may now."""
        now = time.time() if now is None else now
        with self._lock:
            failures = self._recent(self.key(login), now)
            if failures is None or len(failures) < self.limit:
                return 0
            return max(1, math.ceil(failures[-self.limit] + self.window - now))

    def begin(self, login, now=None) -> int:
        """Reserve one login attempt: 0 when it may go ahead, else seconds to wait.

        Attempts still being checked count as failures until they end, so
        guesses sent in parallel cannot pass the limit together.
        """
        now = time.time() if now is None else now
        key = self.key(login)
        with self._lock:
            failures = self._recent(key, now)
            done = len(failures) if failures is not None else 0
            if done >= self.limit:
                return max(1, math.ceil(failures[-self.limit] + self.window - now))
            if done + self._pending[key] >= self.limit:
                return 1  # the last tries of the hour are being checked now
            self._pending[key] += 1
            return 0

    def end(self, login, failed: bool, now=None) -> int:
        """End an attempt from `begin`; returns the failures in the window."""
        now = time.time() if now is None else now
        key = self.key(login)
        with self._lock:
            self._pending[key] -= 1
            if self._pending[key] <= 0:
                del self._pending[key]
            if not failed:
                failures = self._recent(key, now)
                return len(failures) if failures is not None else 0
            return self._append(key, now)

    def fail(self, login, now=None) -> int:
        """Count one failed login of `login`; returns the failures in the window."""
        now = time.time() if now is None else now
        with self._lock:
            return self._append(self.key(login), now)

    def _append(self, key, now) -> int:
        failures = self._recent(key, now)
        if failures is None:
            failures = self._failures[key] = collections.deque(maxlen=self.limit)
        failures.append(now)
        self._failures.move_to_end(key)
        while len(self._failures) > self.tracked:
            self._failures.popitem(last=False)
        return len(failures)

    def clear(self):
        with self._lock:
            self._failures.clear()
            self._pending.clear()


failures = FailureCounter()


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        f"Too many failed logins for this account: logging in to it is blocked "
        f"for {minutes} more minute{'s' if minutes != 1 else ''}. "
        "Wait, or ask the helpdesk to reset your password."
    )


def _counted(request) -> set:
    counted = request.get(COUNTED)
    if counted is None:
        counted = set()
        request.set(COUNTED, counted)
    return counted


def _log(login, count):
    if count >= failures.limit:
        logger.warning("Login of %r throttled after %d failures", login, count)


def count_failure(login, password, request):
    """Count a failed login once per request, however often PAS re-checks it."""
    if request is not None:
        counted = _counted(request)
        if (login, password) in counted:
            return
        counted.add((login, password))
    _log(login, failures.fail(login))


def refuse(request, wait):
    """Tell the user, once per request, that the account is throttled."""
    if request is not None and not request.get(REFUSED):
        request.set(REFUSED, wait)
        IStatusMessage(request).add(throttled_message(wait), type="error")


class LoginThrottlePlugin(BasePlugin):
    """Refuses throttled accounts and counts failed logins; see module doc."""

    meta_type = "CPMS Login Throttle Plugin"

    def __init__(self, id, title=None):  # noqa: A002 - PAS signature
        self._setId(id)
        self.title = title

    def authenticateCredentials(self, credentials):
        login = credentials.get("login")
        password = credentials.get("password")
        if not login or password is None or not isinstance(login, str):
            return None  # a session ticket, a token: not a password login
        request = getRequest()
        if request is not None and (login, password) in _counted(request):
            credentials.clear()  # checked and failed earlier in this request
            return None
        wait = failures.begin(login)
        if wait:
            credentials.clear()
            refuse(request, wait)
            return None
        failed = True
        try:
            found = self._authenticate_elsewhere(credentials)
            # Checked once here: the other authenticators need not run again.
            credentials.clear()
            failed = found is None and not self._accepted_by_parent(
                login, password, request
            )
        finally:
            if request is not None and failed:
                _counted(request).add((login, password))
            _log(login, failures.end(login, failed=failed))
        return found

    def _authenticate_elsewhere(self, credentials):
        plugins = self._getPAS().plugins
        for plugin_id, plugin in plugins.listPlugins(IAuthenticationPlugin):
            if plugin_id == self.getId():
                continue
            try:
                found = plugin.authenticateCredentials(dict(credentials))
            except Exception:  # PAS, too, swallows a broken plugin's errors
                logger.debug("Authenticator %s failed", plugin_id, exc_info=True)
                continue
            if found is not None and found[0] is not None:
                return found
        return None

    def _accepted_by_parent(self, login, password, request) -> bool:
        """The Zope root's user folder (``admin``) authenticates this login."""
        pas = aq_inner(self._getPAS())
        site = aq_parent(pas)
        above = aq_parent(aq_inner(site)) if site is not None else None
        folder = getattr(above, "acl_users", None) if above is not None else None
        if folder is None or aq_inner(folder) is pas:
            return False
        try:
            return folder.authenticate(login, password, request) is not None
        except Exception:
            return False


InitializeClass(LoginThrottlePlugin)
classImplements(LoginThrottlePlugin, IAuthenticationPlugin)


def install_plugin():
    """Add the plugin to the site's PAS, first among the authenticators."""
    acl_users = api.portal.get_tool("acl_users")
    if acl_users.get(PLUGIN_ID) is None:
        acl_users._setObject(
            PLUGIN_ID, LoginThrottlePlugin(PLUGIN_ID, "Login throttle")
        )
        acl_users[PLUGIN_ID].manage_activateInterfaces(["IAuthenticationPlugin"])
    acl_users.plugins.movePluginsTop(IAuthenticationPlugin, [PLUGIN_ID])
