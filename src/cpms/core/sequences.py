"""Numbers handed out one after the other, to many people at once.

A counter kept in the transaction of the request that needs the next number
is written by every such request: two at the same moment conflict (ZODB
``ConflictError``) and Zope redoes one of them from the start, or gives up
after a few tries. A ``Sequence`` is taken like a database sequence instead:
in a short transaction of its own on a connection of its own (one per
thread, kept open), committed at once and retried on the spot when another
request took a number in the meantime. Numbers never repeat; one may be
skipped, when the request that took it is abandoned (an error, or redone by
Zope after a conflict elsewhere).

Where the sequence is not committed yet (created in this very transaction,
e.g. while the site is being built) or the current transaction changed it,
the number is taken in the current transaction.
"""

import logging
import random
import threading
import time

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError
from ZODB.POSException import POSKeyError

logger = logging.getLogger(__name__)

# Attempts of the numbering transaction before numbering in the current one
# (each conflict means another request got a number: rarely more than two).
ATTEMPTS = 20


class Sequence(Persistent):
    """The last number given."""

    def __init__(self, last: int = 0):
        self.last = last


def sequences() -> OOBTree:
    """A new tree of sequences, by key, to store where they belong."""
    return OOBTree()


def _committed(obj) -> bool:
    """``obj`` is stored and unchanged in the current transaction."""
    return obj._p_jar is not None and obj._p_oid is not None and not obj._p_changed


def _take(tree, key, at_least: int) -> int:
    sequence = tree.get(key)
    if sequence is None:
        sequence = tree[key] = Sequence()
    sequence.last = max(sequence.last, at_least) + 1
    return sequence.last


_threads = threading.local()


def _own_connection(db):
    """This thread's own connection to ``db``, with its own transactions.

    Kept open from one number to the next: opening a connection for each
    number (a RelStorage connection opens database sessions of its own)
    costs more than taking the number.
    """
    kept = getattr(_threads, "connections", None)
    if kept is None:
        kept = _threads.connections = {}
    for key, (_db, _tm, connection) in list(kept.items()):
        if not connection.opened:  # its database was closed
            del kept[key]
    found = kept.get(id(db))
    if found is not None and found[0] is db:
        return found[1], found[2]
    # Not explicit: closing the database aborts the transaction of every
    # connection still open, which an explicit manager refuses to do
    # outside a transaction.
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    kept[id(db)] = (db, tm, connection)
    return tm, connection


def _drop_own_connection(db):
    kept = getattr(_threads, "connections", {})
    found = kept.pop(id(db), None)
    if found is not None:
        found[1].abort()
        found[2].close()


def _take_in_own_transaction(tree, key, at_least: int) -> int | None:
    db = tree._p_jar.db()
    tm, connection = _own_connection(db)
    try:
        for attempt in range(ATTEMPTS):
            tm.begin()
            try:
                number = _take(connection.get(tree._p_oid), key, at_least)
                tm.get().note(f"cpms: next number of {key!r}: {number}")
                tm.commit()
                return number
            except ConflictError:
                tm.abort()
                # Another request took a number just now: again at once, a
                # little later each time.
                time.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))
            except POSKeyError:  # the tree is not committed yet
                tm.abort()
                return None
    except Exception:
        _drop_own_connection(db)
        raise
    logger.warning(
        "No number of %r after %s attempts: numbering in the request's own transaction",
        key,
        ATTEMPTS,
    )
    return None


def next_number(tree, key, at_least: int = 0) -> int:
    """The next number of the sequence ``key`` in ``tree`` (from 1), above
    ``at_least``; the sequence is created when it is first asked for."""
    sequence = tree.get(key)
    if _committed(tree) and (sequence is None or _committed(sequence)):
        number = _take_in_own_transaction(tree, key, at_least)
        if number is not None:
            return number
    return _take(tree, key, at_least)
