"""An append-only audit trail kept on a content object (a case).

Workflow history already records every transition with its comment; this log
holds the decisions that history does not make visible on its own: a
coordinator's override of the close rule and its reason, a consent's
withdrawal. Entries are never edited or removed. They are shown on the case
(viewlet) and through REST (``GET <case>/@audit``) to whoever may view it.
"""

from datetime import UTC
from datetime import datetime

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

KEY = "cpms.audit"


def record(obj, action: str, message: str = "", actor: str | None = None) -> dict:
    """Append one entry (who, when, what, why) to ``obj``'s audit trail."""
    if actor is None:
        user = api.user.get_current()
        actor = user.getId() if user is not None else None
    entry = PersistentMapping(
        action=action,
        actor=actor or "",
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        message=message or "",
    )
    annotations = IAnnotations(obj)
    trail = annotations.get(KEY)
    if trail is None:
        trail = annotations[KEY] = PersistentList()
    trail.append(entry)
    return dict(entry)


def entries(obj) -> list[dict]:
    """The trail, oldest first, as plain dicts."""
    return [dict(e) for e in IAnnotations(obj).get(KEY, ())]
