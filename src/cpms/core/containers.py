"""Containers that many people add to at once.

OFS fires a ``ContainerModifiedEvent`` for every item added to or removed
from a container. For a Dexterity container that is an ``ObjectModifiedEvent``
like an edit: the container gets a new modification date and is reindexed in
full. Two people adding items to the same container at the same moment (two
experts posting to one case, two clinicians enrolling in /cases) therefore
both write the container and its catalog record, and one of them conflicts
(ZODB ``ConflictError``): Zope redoes that request from the start, and gives
up after a few tries. The items themselves would not have conflicted: the
container keeps them in a BTree, which merges additions of different keys.

``ItemsLeaveContainerAsIs`` fires the add and remove events of the items as
usual, but not the container's modified event: the container's own fields
did not change, so neither do its modification date and catalog record.
Whatever a container shows about its items (a count, who contributed) is
kept by subscribers to the items' events, which reindex only that.
"""

from OFS.event import ObjectWillBeAddedEvent
from OFS.event import ObjectWillBeRemovedEvent
from plone.dexterity.content import FTIAwareSpecification
from zope.event import notify
from zope.lifecycleevent import ObjectAddedEvent
from zope.lifecycleevent import ObjectRemovedEvent


class ItemsLeaveContainerAsIs:
    """Mixin for a Dexterity container (before the container class)."""

    # A plain mixin placed before a Dexterity class would get zope.interface's
    # default descriptor and hide Dexterity's, which adds the type's schema
    # and behaviours to what an instance provides: keep Dexterity's.
    __providedBy__ = FTIAwareSpecification()

    def _setObject(
        self, id, object, roles=None, user=None, set_owner=1, suppress_events=False
    ):
        if suppress_events:
            return super()._setObject(
                id, object, roles, user, set_owner, suppress_events=True
            )
        checked = self._checkId(id)
        if checked is not None:
            id = checked
        if id in self:  # replaced, as OFS does: removed first
            self._delObject(id)
        notify(ObjectWillBeAddedEvent(object, self, id))
        id = super()._setObject(
            id, object, roles, user, set_owner, suppress_events=True
        )
        notify(ObjectAddedEvent(self._getOb(id), self, id))
        return id

    def _delObject(self, id, dp=1, suppress_events=False):
        if suppress_events:
            return super()._delObject(id, dp, suppress_events=True)
        ob = self._getOb(id)
        notify(ObjectWillBeRemovedEvent(ob, self, id))
        super()._delObject(id, dp, suppress_events=True)
        notify(ObjectRemovedEvent(ob, self, id))
