"""Derived data of panel collaboration, kept right as content changes.

These are not notifications: they fill in what a meeting, a medical file or
the dashboards need.  Once a meeting is complete they fire the collaboration
events that other slices (notifications) react to.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from zope.event import notify

from cpms.cases.content.case import ICase
from cpms.collaboration.content.medical_file import normalize
from cpms.collaboration.content.meeting import new_video_url
from cpms.collaboration.content.meeting import normalize_times
from cpms.collaboration.dashboard import PEOPLE_INDEXES
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
    case.reindexObject(idxs=PEOPLE_INDEXES)


def case_transitioned(case, event):
    """The coordinator dashboard sorts open panels by when they opened, and
    My cases by whom the case waits on: indexes that Plone's workflow tool
    does not reindex (it updates the state's index and the metadata only)."""
    case.reindexObject(idxs=["case_panel_opened", "case_waiting_on"])


def guests_changed(case, event):
    """A guest grant was given, moved or ended (by any path): the dashboards
    list a case's people, guests included, from the case_people index."""
    case.reindexObject(idxs=PEOPLE_INDEXES)


def case_item_changed(item, event):
    """A contribution came, went or changed author, or the outcome report was
    signed or unsigned: whom the case waits on may change. Only that index
    is updated, not the case's record, so that two experts posting to one
    case at once do not both rewrite it."""
    if event.object is not item:
        # The case itself is being added, moved or removed: it is
        # (un)indexed whole; a reindex queued here would bring a removed
        # case back into the catalog.
        return
    case = getattr(event, "oldParent", None) or aq_parent(aq_inner(item))
    if not ICase.providedBy(case):
        return
    api.portal.get_tool("portal_catalog").reindexObject(
        case, idxs=["case_waiting_on"], update_metadata=0
    )
