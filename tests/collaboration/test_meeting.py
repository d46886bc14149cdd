"""Meeting: video room, iCalendar file, invitation mail with the .ics."""

from datetime import datetime
from zoneinfo import ZoneInfo

import transaction
from icalendar import Calendar
from plone import api
from plone.app.testing import SITE_OWNER_NAME

from cpms.cases import states
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


def _panel(portal):
    lead = make_user("lena", fullname="Lena Lead")
    member = make_user("emil", fullname="Emil Expert")
    case = make_case(portal, nickname="Blue Heron")
    api.user.grant_roles(username=lead, obj=case, roles=[PANEL_LEAD])
    api.user.grant_roles(username=member, obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    return case, lead, member


def _meeting(case, attendees, **extra):
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        return api.content.create(
            container=case,
            type="Meeting",
            title="First panel meeting",
            start=datetime(2026, 12, 3, 14, 0),
            end=datetime(2026, 12, 3, 15, 30),
            timezone="Europe/Paris",
            attendees=attendees,
            **extra,
        )


def test_attendees_vocabulary_is_the_case_people(portal):
    case, lead, member = _panel(portal)
    from zope.component import getUtility
    from zope.schema.interfaces import IVocabularyFactory

    vocabulary = getUtility(IVocabularyFactory, "cpms.vocabularies.CasePeople")(case)
    assert {t.value for t in vocabulary} == {lead, member}
    assert {t.title for t in vocabulary} == {"Lena Lead", "Emil Expert"}


def test_video_room_is_configurable_and_unguessable(portal):
    api.portal.set_registry_record(
        "cpms.collaboration.video_base_url", "https://video.example.org/rooms/"
    )
    case, lead, member = _panel(portal)
    one = _meeting(case, [lead])
    two = _meeting(case, [lead])
    assert one.video_url.startswith("https://video.example.org/rooms/cpms-")
    room = one.video_url.rsplit("/", 1)[1]
    assert len(room) >= 30  # 24 random bytes, url-safe: about 192 bits
    assert one.video_url != two.video_url


def test_ics_imports_with_times_zone_attendees_and_url(portal):
    case, lead, member = _panel(portal)
    meeting = _meeting(case, [lead, member])
    view = api.content.get_view("ics", meeting, portal.REQUEST)
    data = view()
    assert portal.REQUEST.response.getHeader("Content-Type").startswith("text/calendar")
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    paris = ZoneInfo("Europe/Paris")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 12, 3, 14, 0, tzinfo=paris)
    assert start.utcoffset().total_seconds() == 3600
    assert event.decoded("dtend") == datetime(2026, 12, 3, 15, 30, tzinfo=paris)
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == [
        "mailto:emil@example.invalid",
        "mailto:lena@example.invalid",
    ]
    assert str(event["url"]) == meeting.video_url
    assert meeting.video_url in str(event["description"])
    # No clinical detail: only the case id and nickname name the case.
    assert str(event["summary"]) == f"Panel meeting: {case.case_id} (Blue Heron)"
    assert "Synthetic" not in data.decode()


def test_utc_input_lands_in_the_meeting_zone(portal):
    """REST sends aware datetimes: kept as the same instant in the meeting's zone."""
    case, lead, member = _panel(portal)
    meeting = _meeting(case, [lead])
    meeting.start = datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    meeting.end = datetime(2026, 6, 1, 13, 0, tzinfo=ZoneInfo("UTC"))
    from zope.lifecycleevent import modified

    modified(meeting)
    assert meeting.start.isoformat() == "2026-06-01T14:00:00+02:00"


def test_invitation_mail_with_ics_and_rest_download(
    functional_portal, smtp_server, rest
):
    smtp_server.connect(functional_portal)
    case, lead, member = _panel(functional_portal)
    transaction.commit()
    session = rest("lena")
    response = session.post(
        case.absolute_url(),
        json={
            "@type": "Meeting",
            "title": "Panel meeting",
            "start": "2026-12-03T13:00:00Z",
            "end": "2026-12-03T14:00:00Z",
            "timezone": "Europe/Paris",
            "attendees": ["lena", "emil"],
        },
    )
    assert response.status_code == 201, response.text
    meeting_url = response.json()["@id"]
    assert response.json()["video_url"].startswith("https://meet.jit.si/cpms-")
    mails = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in mails) == [
        "emil@example.invalid",
        "lena@example.invalid",
    ]
    mail = mails[0]
    assert "Meeting scheduled for case" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Thursday 03 December 2026, 14:00-15:00 (Europe/Paris)" in body
    assert case.absolute_url() in body
    assert "Synthetic" not in mail.as_string()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "meeting.ics"
    (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-12-03T14:00:00+01:00"

    download = session.get(f"{meeting_url}/@ics")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in download.headers["Content-Disposition"]
    (event,) = Calendar.from_ical(download.content).walk("VEVENT")
    assert str(event["url"]) == response.json()["video_url"]

    # A change of time is mailed again, as an updated calendar entry.
    smtp_server.clear()
    changed = session.patch(meeting_url, json={"end": "2026-12-03T14:30:00Z"})
    assert changed.status_code == 204, changed.text
    mails = smtp_server.wait_for(2)
    assert all("Meeting changed" in m["Subject"] for m in mails)
    (attachment,) = list(mails[0].iter_attachments())
    (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtend").isoformat() == "2026-12-03T15:30:00+01:00"
    assert event["sequence"] == 1


def test_end_before_start_is_a_400_naming_the_field(functional_portal, rest):
    case, lead, member = _panel(functional_portal)
    transaction.commit()
    response = rest("lena").post(
        case.absolute_url(),
        json={
            "@type": "Meeting",
            "title": "Backwards",
            "start": "2026-12-03T13:00:00Z",
            "end": "2026-12-03T12:00:00Z",
            "timezone": "Europe/Paris",
        },
    )
    assert response.status_code == 400
    assert "end: the meeting must end after it starts" in response.text
