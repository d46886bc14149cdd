"""REST services of panel collaboration, where the standard ones do not fit.

Bad input answers 400 with ``{"type": "BadRequest", "message": "<field>: ..."}``.
"""

import json

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from cpms.collaboration import dashboard
from cpms.collaboration import panel as panel_api
from cpms.collaboration.browser.views import outcome_report_of
from cpms.collaboration.ical import meeting_calendar
from cpms.collaboration.report_pdf import render
from cpms.collaboration.report_pdf import report_data
from cpms.notifications import preferences


def writing(request) -> None:
    """Like plone.restapi's own write services: a JSON API call cannot be
    forged by a cross-site form (its JSON body needs a CORS preflight), so
    plone.protect's form-token check does not apply to it."""
    alsoProvides(request, IDisableCSRFProtection)


def body(request) -> dict:
    try:
        data = json_body(request)
    except Exception:  # noqa: BLE001 - any decoding problem is the client's
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


class BinaryService(Service):
    """A service that answers a file, not JSON."""

    mimetype = "application/octet-stream"

    def render(self):
        self.check_permission()
        try:
            data, filename = self.file()
        except NotFound as error:
            self.request.response.setStatus(404)
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps({"type": "NotFound", "message": str(error)})
        response = self.request.response
        response.setHeader("Content-Type", self.mimetype)
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return data


class PanelGet(Service):
    """GET <case>/@panel: the people on the case and their roles."""

    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@panel",
            "items": panel_api.panel(self.context),
        }


class Invite(Service):
    """POST <case>/@invite {"userids": [...]} or {"expertise_area": "<uid|id>"}."""

    def reply(self):
        writing(self.request)
        data = body(self.request)
        userids = data.get("userids")
        area = data.get("expertise_area")
        if userids is None and area is None:
            raise BadRequest("userids or expertise_area: give one of them")
        if userids is not None and area is not None:
            raise BadRequest("userids and expertise_area: give only one of them")
        try:
            if area is not None:
                found = panel_api.find_area(area)
                invited = panel_api.invite_area(self.context, found)
            else:
                if isinstance(userids, str):
                    userids = [userids]
                if not isinstance(userids, list):
                    raise panel_api.PanelError("userids: must be a list of user ids")
                invited = panel_api.invite(self.context, userids)
        except panel_api.PanelError as error:
            raise BadRequest(str(error)) from None
        return {
            "@id": f"{self.context.absolute_url()}/@panel",
            "invited": invited,
            "items": panel_api.panel(self.context),
        }


@implementer(IPublishTraverse)
class PanelDelete(Service):
    """DELETE <case>/@panel/<userid>: takes the Panel Member role away."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def reply(self):
        if len(self.params) != 1:
            raise BadRequest("userid: give it in the URL, DELETE .../@panel/<userid>")
        writing(self.request)
        try:
            panel_api.remove(self.context, self.params[0])
        except panel_api.PanelError as error:
            raise BadRequest(str(error)) from None
        return self.reply_no_content()


class MeetingIcs(BinaryService):
    """GET <meeting>/@ics: the meeting as text/calendar."""

    mimetype = "text/calendar; charset=utf-8"

    def file(self):
        return meeting_calendar(self.context), "meeting.ics"


class ReportPdf(BinaryService):
    """GET <report or case>/@report-pdf: the outcome report as application/pdf."""

    mimetype = "application/pdf"

    def file(self):
        report = outcome_report_of(self.context)
        if report is None:
            raise NotFound("This case has no outcome report yet.")
        data = report_data(report)
        return render(data), f"outcome-report-{data.case_id or 'case'}.pdf"


class MyCases(Service):
    """GET /@my-cases: the current user's cases."""

    def reply(self):
        data = dashboard.my_cases(api.user.get_current().getId())
        data["@id"] = f"{self.context.absolute_url()}/@my-cases"
        return data


class CoordinatorDashboard(Service):
    """GET /@coordinator-dashboard: open panels, waiting cases, closure time."""

    def reply(self):
        data = dashboard.coordinator()
        data["@id"] = f"{self.context.absolute_url()}/@coordinator-dashboard"
        return data


class NotificationSettingsGet(Service):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@notification-settings",
            "mode": preferences.get_mode(api.user.get_current().getId()),
            "modes": list(preferences.MODES),
        }


class NotificationSettingsPatch(Service):
    def reply(self):
        writing(self.request)
        mode = body(self.request).get("mode")
        if mode not in preferences.MODES:
            raise BadRequest(
                f"mode: must be one of {', '.join(preferences.MODES)}, not {mode!r}"
            )
        preferences.set_mode(api.user.get_current().getId(), mode)
        return self.reply_no_content()
