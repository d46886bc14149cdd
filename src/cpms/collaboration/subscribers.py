"""Derived data of panel collaboration, kept right as content changes.

These are not notifications: they fill in what a meeting, a medical file or
the dashboards need.  Once a meeting is complete they fire the collaboration
events that other slices (notifications) react to.
"""

from zope.event import notify

from cpms.collaboration.content.medical_file import normalize
from cpms.collaboration.content.meeting import new_video_url
from cpms.collaboration.content.meeting import normalize_times
from cpms.collaboration.events import MeetingChanged
from cpms.collaboration.events import MeetingScheduled


def meeting_added(meeting, event):
    """A new meeting gets its video room and aware times, then is announced."""
    if not meeting.video_url:
        meeting.video_url = new_video_url()
    normalize_times(meeting)
    notify(MeetingScheduled(meeting))


def meeting_modified(meeting, event):
    """An edited meeting is a new version of its .ics for calendar clients."""
    normalize_times(meeting)
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    notify(MeetingChanged(meeting))


def medical_file_stored(obj, event):
    normalize(obj)


def local_roles_changed(case, event):
    """Sharing changed who is on the case: the dashboards list people by it."""
    case.reindexObject(idxs=["case_people"])


def case_transitioned(case, event):
    """The coordinator dashboard sorts open panels by when they opened: a
    DateIndex that Plone's workflow tool does not reindex (it updates the
    state's index and the metadata only)."""
    case.reindexObject(idxs=["case_panel_opened"])


def guests_changed(case, event):
    """A guest grant was given, moved or ended (by any path): the dashboards
    list a case's people, guests included, from the case_people index."""
    case.reindexObject(idxs=["case_people"])
