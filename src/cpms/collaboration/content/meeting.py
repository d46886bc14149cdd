"""Meeting: a panel's video meeting inside a case."""

import secrets

from plone import api
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant

from cpms import _
from cpms.cases.interfaces import ICaseItem
from cpms.collaboration.ical import localize
from cpms.core.validation import Text
from cpms.core.validation import no_identifiers


class IMeeting(model.Schema):
    """A video meeting of the panel: when, who, and the room."""

    start = schema.Datetime(title=_("Start"), required=True)
    end = schema.Datetime(title=_("End"), required=True)
    timezone = schema.Choice(
        title=_("Time zone"),
        description=_("The start and end are wall-clock times in this zone."),
        vocabulary="plone.app.vocabularies.Timezones",
        default="Europe/Brussels",
        required=True,
    )
    attendees = schema.List(
        title=_("Attendees"),
        description=_("Members of the case's panel."),
        value_type=schema.Choice(vocabulary="cpms.vocabularies.CasePeople"),
        required=False,
        default=[],
    )
    agenda = Text(
        title=_("Agenda"),
        description=_("Shown in the portal only, never in mails or calendar files."),
        required=False,
        constraint=no_identifiers("Agenda"),
    )

    # Set once when the meeting is created (secret room name): not editable.
    directives.omitted("video_url")
    video_url = schema.URI(title=_("Video room"), required=False, readonly=True)

    @invariant
    def end_after_start(data):
        start, end = getattr(data, "start", None), getattr(data, "end", None)
        if start is None or end is None:
            return
        tzname = getattr(data, "timezone", None) or "UTC"
        if localize(end, tzname) <= localize(start, tzname):
            raise Invalid(_("end: the meeting must end after it starts"))


@implementer(IMeeting, ICaseItem)
class Meeting(Item):
    video_url = None
    ics_sequence = 0


def new_video_url() -> str:
    """The configured base URL plus an unguessable room name."""
    base = api.portal.get_registry_record(
        "cpms.collaboration.video_base_url", default="https://meet.jit.si/"
    )
    if not base.endswith(("/", "=", "#")):
        base += "/"
    return f"{base}cpms-{secrets.token_urlsafe(24)}"


def normalize_times(meeting) -> None:
    """Store start/end as aware datetimes in the meeting's zone.

    The edit form gives wall-clock (naive) times, REST gives UTC: both end
    up as the same kind of value, so the .ics and the views agree.
    """
    tzname = meeting.timezone or "UTC"
    meeting.start = localize(meeting.start, tzname)
    meeting.end = localize(meeting.end, tzname)
