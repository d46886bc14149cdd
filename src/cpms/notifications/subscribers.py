"""Event subscribers: what happens on a case becomes a mail to its people.

Mailing only: the slices below fire the events (content, workflow and the
collaboration events of cpms.collaboration.events) and never call this module.
"""

from plone import api

from cpms import _
from cpms.cases import states
from cpms.cases.utils import find_case
from cpms.collaboration.ical import localize
from cpms.collaboration.ical import meeting_calendar
from cpms.collaboration.panel import people_of
from cpms.core import i18n
from cpms.core.roles import COORDINATOR
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import OWNER
from cpms.core.users import fullname
from cpms.notifications import mail


def _actor() -> str | None:
    user = api.user.get_current()
    return None if user is None else user.getId()


def _when(meeting):
    """The meeting's time span, worded in each reader's language."""
    tzname = meeting.timezone or "UTC"
    start = localize(meeting.start, tzname)
    end = localize(meeting.end, tzname)
    if start is None or end is None:
        return ""

    def worded(language: str) -> str:
        day = i18n.format_datetime(start, language, "EEEE dd MMMM y, HH:mm")
        return f"{day}-{end:%H:%M} ({tzname})"

    return worded


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
    mail.notify(people_of(case), notice, exclude=[actor])


def case_transitioned(case, event):
    if event.transition is None:
        return
    new_state = event.new_state.id if event.new_state is not None else ""
    actor = _actor()
    if event.transition.id == states.REQUEST_INFO:
        # Back to the referring clinician(s): the case's owners.
        notice = mail.compose("request_info", case, actor=fullname(actor))
        # A referred case's guest clinician completes it: they are told too.
        owners = set(people_of(case, roles=(OWNER, GUEST_CLINICIAN)))
        clinician = getattr(case, "referring_clinician", None)
        if clinician:
            owners.add(clinician)
        mail.notify(owners, notice, exclude=[actor])
    elif event.transition.id == states.SUBMIT:
        case_submitted(case, actor)
    elif new_state == states.CLOSED:
        notice = mail.compose("case_closed", case, actor=fullname(actor))
        mail.notify(people_of(case), notice, exclude=[actor])


def report_signed(report, actor: str | None = None) -> list[str]:
    """Tell the case's people that the outcome report was signed."""
    case = find_case(report)
    if case is None:
        return []
    actor = actor or _actor()
    notice = mail.compose(
        "report_signed", case, url=report.absolute_url(), actor=fullname(actor)
    )
    return mail.notify(people_of(case), notice, exclude=[actor])


def report_transitioned(report, event):
    if event.new_state is not None and event.new_state.id == states.REPORT_SIGNED:
        report_signed(report)


def panel_members_invited(case, event):
    notice = mail.compose("invitation", case, actor=fullname(_actor()))
    mail.notify(event.userids, notice)


def panel_member_removed(case, event):
    notice = mail.compose("removed", case)
    mail.notify([event.userid], notice)


# --- submitted, lead appointed, guest access ------------------------------


def coordinators() -> list[str]:
    """Users holding the site-wide Coordinator role (directly or by group)."""
    acl_users = api.portal.get_tool("acl_users")
    found = set()
    for principal, _title in acl_users.portal_role_manager.listAssignedPrincipals(
        COORDINATOR
    ):
        group = api.group.get(groupname=principal)
        if group is not None:
            found.update(u.getId() for u in api.user.get_users(group=group))
        elif api.user.get(userid=principal) is not None:
            found.add(principal)
    return sorted(found)


def case_submitted(case, actor: str | None) -> list[str]:
    """Coordinators learn of every submitted case; an urgent one is marked
    URGENT and reaches them at once, digest readers included."""
    urgent = bool(getattr(case, "urgent", False))
    kind = "case_submitted_urgent" if urgent else "case_submitted"
    notice = mail.compose(kind, case, actor=fullname(actor))
    return mail.notify(coordinators(), notice, exclude=[actor], immediate=urgent)


def lead_appointed(case, event):
    actor = fullname(_actor())
    mail.notify([event.userid], mail.compose("lead_appointed", case, actor=actor))
    if event.previous:
        notice = mail.compose(
            "lead_replaced", case, actor=actor, lead=fullname(event.userid)
        )
        mail.notify(event.previous, notice)


def _until(moment):
    # A date: the notice writes it in each reader's locale.
    return moment if moment is not None else ""


def guest_granted(case, event):
    if event.announced:  # the caller's own mail told the guest
        return
    kind = "guest_extended" if event.extended else "guest_granted"
    granted_by = event.granted_by or _actor()
    actor = (
        fullname(granted_by)
        if granted_by and granted_by != "system"
        else _("The network's coordinators")
    )
    notice = mail.compose(kind, case, actor=actor, until=_until(event.until))
    mail.notify([event.userid], notice)


def guest_revoked(case, event):
    mail.notify([event.userid], mail.compose("guest_revoked", case))
