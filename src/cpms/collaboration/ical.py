"""iCalendar (.ics) of a meeting, with its time zone, attendees and video link."""

from datetime import UTC
from datetime import datetime

import pytz
from icalendar import Calendar
from icalendar import Event
from icalendar import vCalAddress
from icalendar import vText
from plone import api

from cpms.cases.utils import case_label
from cpms.cases.utils import find_case
from cpms.core.users import email_of
from cpms.core.users import fullname


def localize(value: datetime | None, tzname: str) -> datetime | None:
    """``value`` as an aware datetime in the meeting's zone (naive = wall time)."""
    if value is None:
        return None
    zone = pytz.timezone(tzname or "UTC")
    if value.tzinfo is None:
        return zone.localize(value)
    return zone.normalize(value.astimezone(zone))


def meeting_calendar(meeting, method: str = "PUBLISH") -> bytes:
    case = find_case(meeting)
    tzname = meeting.timezone or "UTC"
    cal = Calendar()
    cal.add("prodid", "-//CPMS portal//Panel meeting//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"{meeting.UID()}@cpms")
    event.add("sequence", getattr(meeting, "ics_sequence", 0))
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", localize(meeting.start, tzname))
    event.add("dtend", localize(meeting.end, tzname))
    # No clinical detail: the case is named by its id and nickname only.
    label = case_label(case) if case is not None else ""
    event.add("summary", f"Panel meeting: {label}".strip())
    lines = [f"Case: {meeting.absolute_url()}"]
    if meeting.video_url:
        lines.insert(0, f"Video room: {meeting.video_url}")
        event.add("location", meeting.video_url)
        event.add("url", meeting.video_url)
    event.add("description", "\n".join(lines))
    organizer_mail = api.portal.get_registry_record("plone.email_from_address")
    organizer = vCalAddress(f"mailto:{organizer_mail}")
    organizer.params["cn"] = vText(
        api.portal.get_registry_record("plone.site_title", default="CPMS portal")
    )
    event["organizer"] = organizer
    for userid in meeting.attendees or ():
        address = email_of(userid)
        if not address:
            continue
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["cn"] = vText(fullname(userid))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    # Emits the VTIMEZONE of the meeting's zone so calendars place it right.
    cal.add_missing_timezones()
    return cal.to_ical()
