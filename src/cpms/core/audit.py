"""An append-only audit trail kept on a content object (a case).

Workflow history already records every transition with its comment; this log
holds the decisions that history does not make visible on its own: a
coordinator's override of the close rule and its reason, a consent's
withdrawal. Entries are never edited or removed. They are shown on the case
(viewlet) and through REST (``GET <case>/@audit``) to whoever may view it.

Storage: a ``LOBTree`` in the object's annotations, keyed by the time of the
entry in microseconds with random low bits, each entry a tuple of strings.
Two people recording on the same case at the same moment insert different
keys, which the BTree merges (ZODB conflict resolution) instead of failing one
of them, as one list appended to by both would. (The merge compares the
values of the bucket: tuples of strings can be compared, dicts cannot.) The
keys keep the entries in time order. ``record`` and ``entries`` are the whole
interface: the trail can move elsewhere (SQL) without their callers noticing.
"""

import random
import time
from datetime import UTC
from datetime import datetime

from BTrees.LOBTree import LOBTree
from persistent.list import PersistentList
from plone import api
from zope.annotation.interfaces import IAnnotations

KEY = "cpms.audit"
FIELDS = ("action", "actor", "time", "message")
# Low bits of a key: random, so that entries of the same microsecond differ.
_RANDOM_BITS = 10


def _key(microseconds: int, low: int | None = None) -> int:
    if low is None:
        low = random.getrandbits(_RANDOM_BITS)
    return (microseconds << _RANDOM_BITS) | low


def _microseconds(entry) -> int:
    try:
        moment = datetime.fromisoformat(entry.get("time", ""))
    except (TypeError, ValueError):
        return 0
    return int(moment.timestamp() * 1_000_000)


def _stored(entry) -> tuple[str, ...]:
    return tuple(str(entry.get(name) or "") for name in FIELDS)


def _entry(stored) -> dict:
    if isinstance(stored, tuple):
        return dict(zip(FIELDS, stored, strict=True))
    return dict(stored)  # a mapping of the first version


def _trail(obj, create: bool = False):
    annotations = IAnnotations(obj)
    trail = annotations.get(KEY)
    if isinstance(trail, PersistentList):
        if not create:
            return trail
        # The first version kept a list: move its entries, in their order.
        trail = annotations[KEY] = LOBTree(
            {
                _key(_microseconds(entry), index % (1 << _RANDOM_BITS)): _stored(entry)
                for index, entry in enumerate(trail)
            }
        )
    elif trail is None and create:
        trail = annotations[KEY] = LOBTree()
    return trail


def record(obj, action: str, message: str = "", actor: str | None = None) -> dict:
    """Append one entry (who, when, what, why) to ``obj``'s audit trail."""
    if actor is None:
        user = api.user.get_current()
        actor = user.getId() if user is not None else None
    now = time.time_ns() // 1000
    entry = {
        "action": action,
        "actor": actor or "",
        "time": datetime.fromtimestamp(now / 1_000_000, UTC).isoformat(
            timespec="seconds"
        ),
        "message": message or "",
    }
    trail = _trail(obj, create=True)
    # A later entry never sorts before an earlier one of this trail.
    if trail:
        now = max(now, (trail.maxKey() >> _RANDOM_BITS) + 1)
    while not trail.insert(_key(now), _stored(entry)):
        now += 1
    return dict(entry)


def entries(obj) -> list[dict]:
    """The trail, oldest first, as plain dicts."""
    trail = _trail(obj)
    if trail is None:
        return []
    values = trail if isinstance(trail, PersistentList) else trail.values()
    return [_entry(e) for e in values]
