"""POST @login: plone.restapi's login, refusing throttled accounts with 429."""

import json

from plone.restapi.services.auth.login import Login

from cpms.identity.throttle import COUNTED
from cpms.identity.throttle import REFUSED
from cpms.identity.throttle import count_failure
from cpms.identity.throttle import failures
from cpms.identity.throttle import throttled_message


class LoginPost(Login):
    """Throttled accounts get 429 with ``Retry-After`` before any password check.

    plone.restapi answers an unknown login with 401 without asking PAS, so the
    failure is counted here when the plugin did not count it.
    """

    def reply(self):
        try:
            data = json.loads(self.request.get("BODY") or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("login"), str):
            return super().reply()
        login, password = data["login"], data.get("password")
        if (login, password) in (self.request.get(COUNTED) or ()):
            # PAS already checked these credentials while traversing (they
            # are in the body) and counted the failure: answer as
            # plone.restapi does, and do not let this failure count twice.
            return self._wrong_credentials()
        wait = failures.retry_after(login)
        if wait:
            return self._throttled(wait)
        result = super().reply()
        wait = self.request.get(REFUSED)
        if wait:
            # The plugin refused: the last tries of the hour were in progress.
            return self._throttled(wait)
        if self.request.response.getStatus() == 401:
            count_failure(login, password, self.request)
        return result

    def _throttled(self, wait):
        self.request.response.setStatus(429)
        self.request.response.setHeader("Retry-After", str(wait))
        return {
            "error": {
                "type": "Too many failed logins",
                "message": throttled_message(wait),
            }
        }

    def _wrong_credentials(self):
        self.request.response.setStatus(401)
        return {
            "error": {
                "type": "Invalid credentials",
                "message": "Wrong login and/or password.",
            }
        }
