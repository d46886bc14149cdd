"""Event subscribers: what happens on a case becomes a mail to its people.

Mailing only: the slices below fire the events (content, workflow and the
collaboration events of cpms.collaboration.events) and never call this module.
"""

from plone import api

from cpms.cases import states
from cpms.cases.utils import case_people
from cpms.cases.utils import find_case
from cpms.collaboration.ical import localize
from cpms.collaboration.ical import meeting_calendar
from cpms.core.roles import OWNER
from cpms.core.users import fullname
from cpms.notifications import mail


def _actor() -> str | None:
    user = api.user.get_current()
    return None if user is None else user.getId()


def _when(meeting) -> str:
    tzname = meeting.timezone or "UTC"
    start = localize(meeting.start, tzname)
    end = localize(meeting.end, tzname)
    if start is None or end is None:
        return ""
    return f"{start:%A %d %B %Y, %H:%M}-{end:%H:%M} ({tzname})"


def send_meeting_mail(meeting, kind: str) -> list[str]:
    """The meeting invitation (or change), with the .ics attached."""
    case = find_case(meeting)
    if case is None:
        return []
    notice = mail.compose(kind, case, url=meeting.absolute_url(), when=_when(meeting))
    notice.attachments.append(
        ("meeting.ics", "text/calendar", meeting_calendar(meeting, method="REQUEST"))
    )
    return mail.notify(meeting.attendees or (), notice)


def meeting_scheduled(meeting, event):
    send_meeting_mail(meeting, "meeting_scheduled")


def meeting_changed(meeting, event):
    send_meeting_mail(meeting, "meeting_changed")


def contribution_added(obj, event):
    case = find_case(obj)
    if case is None:
        return
    actor = _actor()
    notice = mail.compose(
        "contribution", case, url=obj.absolute_url(), actor=fullname(actor)
    )
    mail.notify(case_people(case), notice, exclude=[actor])


def case_transitioned(case, event):
    if event.transition is None:
        return
    new_state = event.new_state.id if event.new_state is not None else ""
    actor = _actor()
    if event.transition.id == states.REQUEST_INFO:
        # Back to the referring clinician(s): the case's owners.
        notice = mail.compose("request_info", case, actor=fullname(actor))
        owners = set(case_people(case, roles=(OWNER,)))
        clinician = getattr(case, "referring_clinician", None)
        if clinician:
            owners.add(clinician)
        mail.notify(owners, notice, exclude=[actor])
    elif new_state == states.CLOSED:
        notice = mail.compose("case_closed", case, actor=fullname(actor))
        mail.notify(case_people(case), notice, exclude=[actor])


def report_signed(report, actor: str | None = None) -> list[str]:
    """Tell the case's people that the outcome report was signed."""
    case = find_case(report)
    if case is None:
        return []
    actor = actor or _actor()
    notice = mail.compose(
        "report_signed", case, url=report.absolute_url(), actor=fullname(actor)
    )
    return mail.notify(case_people(case), notice, exclude=[actor])


def report_transitioned(report, event):
    if event.new_state is not None and event.new_state.id == states.REPORT_SIGNED:
        report_signed(report)


def panel_members_invited(case, event):
    notice = mail.compose("invitation", case, actor=fullname(_actor()))
    mail.notify(event.userids, notice)


def panel_member_removed(case, event):
    notice = mail.compose("removed", case)
    mail.notify([event.userid], notice)
