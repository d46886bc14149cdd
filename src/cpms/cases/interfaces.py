"""Marker interfaces of the cases slice."""

from zope.interface import Interface


class ICaseItem(Interface):
    """Content that lives inside a case (consent records, contributions, the
    outcome report, meetings, medical files): it follows the case's local
    roles only, and views and subscribers meant for every such item are
    registered once for this interface."""


class ICaseGuestGrants(Interface):
    """The live guest grants of a case: adapting a case gives a list of
    grants, each with ``userid`` and ``until`` (a datetime).

    The identity slice keeps the grants and registers the adapter; the case
    page asks for it by this interface, so cases never imports identity.
    """


class ICaseExternalExperts(Interface):
    """The experts of other networks of a case, for the close rule: adapting
    a case gives a mapping user id -> (start, end) of their grant (datetimes),
    revoked grants left out.

    The identity slice keeps the grants and registers the adapter, so cases
    never imports identity.
    """
