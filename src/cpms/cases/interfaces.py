"""Marker interfaces of the cases slice."""

from zope.interface import Interface


class ICaseItem(Interface):
    """Content that lives inside a case (consent records, contributions, the
    outcome report, meetings, medical files): it follows the case's local
    roles only, and views and subscribers meant for every such item are
    registered once for this interface."""
