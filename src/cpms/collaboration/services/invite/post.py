"""``POST <case>/@invite``: ``{"userids": [...]}`` or ``{"expertise_area":
"<uid or id>"}`` grants Panel Member on the case (and mails each invitee)."""

from plone.restapi.services import Service
from zExceptions import BadRequest

from cpms.collaboration import panel as panel_api
from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object


class InvitePost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        userids = data.get("userids")
        area = data.get("expertise_area")
        if userids is None and area is None:
            raise field_error("userids or expertise_area", "give one of them")
        if userids is not None and area is not None:
            raise field_error("userids and expertise_area", "give only one of them")
        if isinstance(userids, str):
            userids = [userids]
        if area is None and not isinstance(userids, list):
            raise field_error("userids", "must be a list of user ids")
        try:
            if area is not None:
                invited = panel_api.invite_area(self.context, panel_api.find_area(area))
            else:
                invited = panel_api.invite(self.context, userids)
        except panel_api.PanelError as error:
            # Its message already starts with the field.
            raise BadRequest(str(error)) from None
        return {
            "@id": f"{self.context.absolute_url()}/@panel",
            "invited": invited,
            "items": panel_api.panel(self.context),
        }
