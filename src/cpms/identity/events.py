"""Guest access, as zope events (``object`` is the case).

cpms.identity.guests fires them once a grant is stored, whichever way it came
(the panel page, the guest-access page, REST ``@guests``, the Sharing tab, a
referral's acceptance); slices above, such as notifications, subscribe.
They live here, not with the panel's events in cpms.collaboration.events,
because the grants are identity's and identity may not import collaboration.
"""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class IGuestGranted(IObjectEvent):
    """A user may work on the case as its guest clinician until a date.

    Also fired when the end date of an existing grant moves (``extended``).
    """

    userid = Attribute("The guest's user id")
    until = Attribute("When the access ends (an aware datetime)")
    granted_by = Attribute("Who granted it (user id)")
    extended = Attribute("True when an existing grant got a new end date")
    announced = Attribute(
        "True when the caller already tells the guest (a referral's acceptance "
        "mail): no second mail is due"
    )


class IGuestRevoked(IObjectEvent):
    """A user's guest access to the case was ended before its date."""

    userid = Attribute("The former guest's user id")


@implementer(IGuestGranted)
class GuestGranted(ObjectEvent):
    def __init__(
        self, case, userid, until, granted_by="", extended=False, announced=False
    ):
        super().__init__(case)
        self.userid = userid
        self.until = until
        self.granted_by = granted_by
        self.extended = extended
        self.announced = announced


@implementer(IGuestRevoked)
class GuestRevoked(ObjectEvent):
    def __init__(self, case, userid):
        super().__init__(case)
        self.userid = userid


class IExternalExpertGranted(IObjectEvent):
    """An expert of another network sits on the case's panel until a date
    (``Panel Member`` through a grant of cpms.identity.experts)."""

    userid = Attribute("The expert's user id")
    until = Attribute("When the access ends (an aware datetime)")
    network = Attribute("The expert's own network (name or acronym)")
    granted_by = Attribute("Who invited them (user id)")


class IExternalExpertRevoked(IObjectEvent):
    """An external expert's access to the case was ended before its date."""

    userid = Attribute("The former external expert's user id")


@implementer(IExternalExpertGranted)
class ExternalExpertGranted(ObjectEvent):
    def __init__(self, case, userid, until, network="", granted_by=""):
        super().__init__(case)
        self.userid = userid
        self.until = until
        self.network = network
        self.granted_by = granted_by


@implementer(IExternalExpertRevoked)
class ExternalExpertRevoked(ObjectEvent):
    def __init__(self, case, userid):
        super().__init__(case)
        self.userid = userid
