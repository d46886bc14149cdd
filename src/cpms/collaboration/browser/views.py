"""Classic UI views of panel collaboration: meeting, .ics, report PDF and
dashboards (the panel page is browser/panel.py)."""

from plone import api
from plone.batching import Batch
from Products.Five.browser import BrowserView
from zExceptions import NotFound

from cpms import _
from cpms.collaboration import dashboard
from cpms.collaboration.ical import localize
from cpms.collaboration.ical import meeting_calendar
from cpms.collaboration.report_pdf import outcome_report_of
from cpms.collaboration.report_pdf import render
from cpms.collaboration.report_pdf import report_data
from cpms.core import i18n
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
        language = i18n.request_language(self.request)
        day = i18n.format_datetime(start, language, "EEEE dd MMMM y, HH:mm")
        return f"{day} - {end:%H:%M} ({tzname})"

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
            raise NotFound(_("This case has no outcome report yet."))
        data = render(report_data(report))
        name = f"outcome-report-{report_data(report).case_id or 'case'}.pdf"
        return send_bytes(self.request.response, data, "application/pdf", name)


# The roles a person holds on a case, as My cases names them.
ROLE_TITLES = {
    "Owner": _("Enrolling clinician"),
    "Panel Lead": _("Panel lead"),
    "Panel Member": _("Panel member"),
    "Guest Clinician": _("Guest"),
}


class _Rows(list):
    """The rows of one batch, standing for all of them: plone.batching reads
    the total from ``actual_result_count`` and takes the rows as they are."""

    def __init__(self, rows, total):
        super().__init__(rows)
        self.actual_result_count = total


def _batch_of(form, *starts):
    """The page's batch parameters; a bad value shows the first rows."""
    try:
        return dashboard.batch_parameters(form, *starts)
    except ValueError:
        return {"b_size": dashboard.BATCH_SIZE, **dict.fromkeys(starts, 0)}


def _batch(rows, total, size, start, start_name="b_start"):
    batch = Batch(_Rows(rows, total), size or max(total, 1), start)
    batch.b_start_str = start_name
    return batch


class MyCasesView(BrowserView):
    """Shows ``dashboard.BATCH_SIZE`` cases at a time (a busy panel lead
    holds a role on thousands), with Plone's batch navigation."""

    def data(self):
        found = _batch_of(self.request.form, "b_start")
        data = dashboard.my_cases(api.user.get_current().getId(), **found)
        data["batch"] = _batch(
            data["items"], data["items_total"], found["b_size"], found["b_start"]
        )
        return data

    def role_titles(self):
        """A role on a case as the dashboard names it."""
        return ROLE_TITLES


class CoordinatorDashboardView(BrowserView):
    """Open panels and waiting cases ``dashboard.BATCH_SIZE`` at a time, each
    list with its own batch navigation."""

    def data(self):
        found = _batch_of(self.request.form, "b_start", "waiting_b_start")
        data = dashboard.coordinator(**found)
        data["open_batch"] = _batch(
            data["open_panels"],
            data["open_panels_total"],
            found["b_size"],
            found["b_start"],
        )
        data["waiting_batch"] = _batch(
            data["waiting_for_panel"],
            data["waiting_for_panel_total"],
            found["b_size"],
            found["waiting_b_start"],
            "waiting_b_start",
        )
        return data

    def date(self, iso: str) -> str:
        """A date of the dashboard (ISO text) in the reader's language."""
        from datetime import date

        if not iso:
            return ""
        return i18n.format_date(date.fromisoformat(iso[:10]), i18n.request_language())

    def number(self, value) -> str:
        return i18n.format_number(value, i18n.request_language())
