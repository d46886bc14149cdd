"""Event subscribers: what happens on a case becomes a mail to its people."""

from plone import api

from cpms.cases import states
from cpms.cases.utils import case_people
from cpms.cases.utils import find_case
from cpms.core.roles import OWNER
from cpms.core.users import fullname
from cpms.notifications import mail


def _actor() -> str | None:
    user = api.user.get_current()
    return None if user is None else user.getId()


def _when(meeting) -> str:
    from cpms.collaboration.ical import localize

    tzname = meeting.timezone or "UTC"
    start = localize(meeting.start, tzname)
    end = localize(meeting.end, tzname)
    if start is None or end is None:
        return ""
    return f"{start:%A %d %B %Y, %H:%M}-{end:%H:%M} ({tzname})"


def send_meeting_mail(meeting, kind: str) -> list[str]:
    """The meeting invitation (or change), with the .ics attached."""
    from cpms.collaboration.ical import meeting_calendar

    case = find_case(meeting)
    if case is None:
        return []
    notice = mail.compose(kind, case, url=meeting.absolute_url(), when=_when(meeting))
    notice.attachments.append(
        ("meeting.ics", "text/calendar", meeting_calendar(meeting, method="REQUEST"))
    )
    return mail.notify(meeting.attendees or (), notice)


def meeting_added(meeting, event):
    from cpms.collaboration.content.meeting import new_video_url
    from cpms.collaboration.content.meeting import normalize_times

    if not meeting.video_url:
        meeting.video_url = new_video_url()
    normalize_times(meeting)
    send_meeting_mail(meeting, "meeting_scheduled")


def meeting_modified(meeting, event):
    from cpms.collaboration.content.meeting import normalize_times

    normalize_times(meeting)
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    send_meeting_mail(meeting, "meeting_changed")


def medical_file_stored(obj, event):
    from cpms.collaboration.content.medical_file import normalize

    normalize(obj)


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


def invited(case, userids, actor=None) -> list[str]:
    notice = mail.compose("invitation", case, actor=fullname(actor or _actor()))
    return mail.notify(userids, notice)


def removed(case, userids) -> list[str]:
    notice = mail.compose("removed", case)
    return mail.notify(userids, notice)


def reindex_case_of(obj, event):
    """A contribution or report changed: refresh the case's dashboard data."""
    case = find_case(obj) or find_case(getattr(event, "oldParent", None))
    if case is not None and case is not obj:
        case.reindexObject(idxs=["case_people"])


def local_roles_changed(case, event):
    case.reindexObject(idxs=["case_people"])
