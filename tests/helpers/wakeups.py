"""Counting what a query wakes: the persistent objects the ZODB loads.

ghosts(portal)                 # every object a ghost, as in a busy site
wakeups = WakeUps(monkeypatch)
...                            # the code under test
assert wakeups.content() == []
"""

import transaction
from Products.CMFCore.indexing import processQueue
from ZODB.Connection import Connection

# The content classes whose loading means a case or an item was woken.
CONTENT = ("Case", "ConsentRecord", "Contribution", "OutcomeReport")


class WakeUps:
    """The persistent objects the ZODB loads, by class name."""

    def __init__(self, monkeypatch):
        self.loaded = []
        original = Connection.setstate

        def setstate(connection, obj):
            self.loaded.append(type(obj).__name__)
            return original(connection, obj)

        monkeypatch.setattr(Connection, "setstate", setstate)

    def content(self):
        return [name for name in self.loaded if name in CONTENT]


def ghosts(portal):
    """Every object of the connection a ghost again, as in a fresh request
    of a busy site where the cases are not in the cache (the pending
    reindexing done first)."""
    processQueue()
    transaction.savepoint(optimistic=True)
    portal._p_jar.cacheMinimize()
