"""``DELETE <case>/@external-experts`` ``{"user": "<user id or e-mail>"}``:
end an expert's access now (or withdraw an invitation not yet used)."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.identity import experts


class ExternalExpertsDelete(Service):
    def reply(self):
        disable_csrf_check(self.request)
        who = json_object(self.request).get("user") or self.request.form.get("user")
        if not isinstance(who, str) or not who.strip():
            raise field_error("user", "give the expert's user id or e-mail address")
        if not experts.revoke(self.context, who.strip()):
            raise field_error("user", f"{who!r} is not an external expert of this case")
        return self.reply_no_content()
