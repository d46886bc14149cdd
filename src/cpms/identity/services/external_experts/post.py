"""``POST <case>/@external-experts`` ``{"email", "fullname", "network",
"until"}``: invite an expert of another network to the case's panel (a
member with that address at once, else at their first sign-in) and mail
them; ``until`` defaults to 90 days from now, at most a year."""

from plone import api
from plone.restapi.services import Service

from cpms.cases import states
from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.identity import experts

# Nobody joins the panel of a case that is over.
CLOSED = (states.CLOSED, states.WITHDRAWN, states.ARCHIVED)


class ExternalExpertsPost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        if api.content.get_state(obj=self.context, default=None) in CLOSED:
            raise field_error(
                "case", "this case is over: nobody joins its panel any more"
            )
        try:
            grant = experts.invite(
                self.context,
                data.get("email"),
                data.get("fullname"),
                data.get("network"),
                data.get("until"),
            )
        except experts.GuestAccessError as error:
            raise field_error(error.field, str(error)) from None
        self.request.response.setStatus(201)
        return grant.as_dict()
