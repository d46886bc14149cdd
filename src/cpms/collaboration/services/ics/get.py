"""``GET <meeting>/@ics``: the meeting as an iCalendar file."""

from cpms.collaboration.ical import meeting_calendar
from cpms.core.services import FileService


class MeetingIcsGet(FileService):
    mimetype = "text/calendar; charset=utf-8"

    def file(self):
        return meeting_calendar(self.context), "meeting.ics"
