"""What happens on a panel, as zope events.

Collaboration fires them once its own work is done (roles granted, meeting
times normalised); slices above it, such as notifications, subscribe to them
in their configure.zcml.  Collaboration never calls those slices itself.
"""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class IPanelMembersInvited(IObjectEvent):
    """Users became members of a case's panel (``object`` is the case)."""

    userids = Attribute("The newly invited user ids, in invitation order")


class IPanelMemberRemoved(IObjectEvent):
    """A user is no longer a member of a case's panel (``object``: the case)."""

    userid = Attribute("The removed user id")


class IMeetingScheduled(IObjectEvent):
    """A panel meeting was added, its times and video link set (``object``)."""


class IMeetingChanged(IObjectEvent):
    """A panel meeting was edited; its .ics sequence was raised (``object``)."""


@implementer(IPanelMembersInvited)
class PanelMembersInvited(ObjectEvent):
    def __init__(self, case, userids):
        super().__init__(case)
        self.userids = list(userids)


@implementer(IPanelMemberRemoved)
class PanelMemberRemoved(ObjectEvent):
    def __init__(self, case, userid):
        super().__init__(case)
        self.userid = userid


@implementer(IMeetingScheduled)
class MeetingScheduled(ObjectEvent):
    pass


@implementer(IMeetingChanged)
class MeetingChanged(ObjectEvent):
    pass


class ILeadAppointed(IObjectEvent):
    """A user became the lead of a case's panel (``object`` is the case)."""

    userid = Attribute("The new panel lead's user id")
    previous = Attribute(
        "User ids of the former leads; they stay on the panel as members"
    )


@implementer(ILeadAppointed)
class LeadAppointed(ObjectEvent):
    def __init__(self, case, userid, previous=()):
        super().__init__(case)
        self.userid = userid
        self.previous = list(previous)
