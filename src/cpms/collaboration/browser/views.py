"""Classic UI views of panel collaboration: meeting, .ics, report PDF,
dashboards, the panel page and the notification settings."""

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zExceptions import NotFound

from cpms.collaboration import dashboard
from cpms.collaboration import panel as panel_api
from cpms.collaboration.ical import localize
from cpms.collaboration.ical import meeting_calendar
from cpms.collaboration.report_pdf import outcome_report_of
from cpms.collaboration.report_pdf import render
from cpms.collaboration.report_pdf import report_data
from cpms.core import permissions
from cpms.core.users import fullname


def send_bytes(response, data: bytes, mimetype: str, filename: str) -> bytes:
    response.setHeader("Content-Type", mimetype)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    response.setHeader("Content-Length", str(len(data)))
    response.setHeader("X-Content-Type-Options", "nosniff")
    response.setHeader("Cache-Control", "private, no-store")
    return data


class MeetingView(BrowserView):
    def when(self):
        tzname = self.context.timezone or "UTC"
        start = localize(self.context.start, tzname)
        end = localize(self.context.end, tzname)
        if start is None or end is None:
            return ""
        return f"{start:%A %d %B %Y, %H:%M} - {end:%H:%M} ({tzname})"

    def attendees(self):
        return [fullname(u) for u in self.context.attendees or ()]


class IcsView(BrowserView):
    """@@ics: the meeting as an iCalendar file."""

    def __call__(self):
        data = meeting_calendar(self.context)
        return send_bytes(
            self.request.response, data, "text/calendar; charset=utf-8", "meeting.ics"
        )


class ReportPdfView(BrowserView):
    """@@report.pdf on an OutcomeReport or on its case."""

    def __call__(self):
        report = outcome_report_of(self.context)
        if report is None:
            raise NotFound("This case has no outcome report yet.")
        data = render(report_data(report))
        name = f"outcome-report-{report_data(report).case_id or 'case'}.pdf"
        return send_bytes(self.request.response, data, "application/pdf", name)


class MyCasesView(BrowserView):
    def data(self):
        return dashboard.my_cases(api.user.get_current().getId())


class CoordinatorDashboardView(BrowserView):
    def data(self):
        return dashboard.coordinator()


class PanelView(BrowserView):
    """@@panel on a case: who is on it; invite and remove (Manage Panel)."""

    def can_manage(self):
        return api.user.has_permission(permissions.MANAGE_PANEL, obj=self.context)

    def people(self):
        return panel_api.panel(self.context)

    def candidates(self):
        """Healthcare professionals not on the panel yet."""
        on = {p["userid"] for p in self.people()}
        users = api.user.get_users()
        found = [
            {"userid": u.getId(), "fullname": fullname(u.getId())}
            for u in users
            if u.getId() not in on and panel_api.is_healthcare_professional(u.getId())
        ]
        return sorted(found, key=lambda c: c["fullname"])

    def areas(self):
        return [
            {"uid": b.UID, "title": b.Title}
            for b in api.content.find(
                portal_type="ExpertiseArea", sort_on="sortable_title"
            )
        ]

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            if not self.can_manage():
                raise BadRequest("You may not change this panel.")
            form = self.request.form
            try:
                if form.get("remove"):
                    panel_api.remove(self.context, form["remove"])
                    message = "The member was removed from the panel."
                elif form.get("expertise_area"):
                    area = panel_api.find_area(form["expertise_area"])
                    added = panel_api.invite_area(self.context, area)
                    message = f"{len(added)} expert(s) invited."
                else:
                    userids = form.get("userids") or []
                    if isinstance(userids, str):
                        userids = [userids]
                    added = panel_api.invite(self.context, userids)
                    message = f"{len(added)} expert(s) invited."
                api.portal.show_message(message, self.request)
            except panel_api.PanelError as error:
                api.portal.show_message(str(error), self.request, type="error")
        return self.index()
