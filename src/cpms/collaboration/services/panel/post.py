"""``POST <case>/@panel``: appoint the lead, or add a guest clinician.

``{"lead": "<userid>"}`` makes a healthcare professional the panel's lead
(permission "cpms: Assign Panel Lead": coordinators); the former lead stays
on the panel as a member. ``{"guest": "<userid or email>", "until":
"YYYY-MM-DD"}`` gives an account guest access to the case until that day
("cpms: Assign Guest Clinician": coordinators, the panel lead). Each person
is mailed (the panel's events). Answers the panel, as ``GET`` does.
"""

from plone import api
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.i18n import translate

from cpms import _
from cpms.collaboration import panel as panel_api
from cpms.core.permissions import ASSIGN_GUEST_CLINICIAN
from cpms.core.permissions import ASSIGN_PANEL_LEAD
from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object


def _fielded(error, field: str) -> BadRequest:
    """The panel's message (written for its page) with the JSON field first."""
    message = str(error)
    for label, name in (("Access until: ", "until"), ("Guest clinician: ", "guest")):
        if message.startswith(label):
            return field_error(name, message[len(label) :])
    return field_error(field, message)


class PanelPost(Service):
    def _require(self, permission, refusal):
        if not api.user.has_permission(permission, obj=self.context):
            raise Unauthorized(translate(refusal, context=self.request))

    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        lead, guest = data.get("lead"), data.get("guest")
        if (lead is None) == (guest is None):
            raise field_error("lead or guest", "give exactly one of them")
        if lead is not None:
            self._require(
                ASSIGN_PANEL_LEAD, _("You may not appoint the lead of this panel.")
            )
            if not isinstance(lead, str):
                raise field_error("lead", "give a user id")
            try:
                panel_api.appoint_lead(self.context, lead)
            except panel_api.PanelError as error:
                raise _fielded(error, "lead") from None
        else:
            self._require(
                ASSIGN_GUEST_CLINICIAN, _("You may not add guests to this panel.")
            )
            if not isinstance(guest, str):
                raise field_error("guest", "give a user id or an email address")
            try:
                userid = panel_api.find_user(guest)
                panel_api.add_guest(self.context, userid, data.get("until") or "")
            except panel_api.PanelError as error:
                raise _fielded(error, "guest") from None
        return {
            "@id": f"{self.context.absolute_url()}/@panel",
            "items": panel_api.panel(self.context),
        }
