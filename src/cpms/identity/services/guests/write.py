"""What POST, PATCH and DELETE of ``/@guests`` share: a JSON object naming
``case``, ``user`` and ``until``; a refusal names the field first."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.identity import guests


class GuestsWrite(Service):
    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        try:
            case = guests.find_case(data.get("case"))
            return self.act(case, data.get("user"), data.get("until"))
        except guests.GuestAccessError as exc:
            raise field_error(exc.field, str(exc)) from None

    def act(self, case, userid, until):
        raise NotImplementedError
