"""The audit trail of cases, in the access audit's store (cpms.core.auditstore).

The interface (other slices use only these):

``record(obj, action, message="", actor=None, *, kind="trail", item=None,
outcome="allowed", channel=None, roles=None, request=None) -> dict``
    Append one record about the case ``obj`` is (or is inside of) and commit
    it at once, in the store's own connection: it stays whatever happens to
    Zope's transaction. ``message`` goes to the record's ``details``.
    ``actor`` defaults to the current user; the user's roles on the case,
    the channel (web, rest, download) and the client address come from the
    current request unless given. ``kind``: ``trail`` for a decision a slice
    records (a close override, a consent withdrawal, an export, an erasure);
    the privacy slice records requests as ``access`` and changes it sees
    through events as ``event``. Returns the trail entry
    ``{"action", "actor", "time", "message"}``.

``entries(obj, everything=False) -> list[dict]``
    The case's trail, oldest first, as ``{"action", "actor", "time",
    "message"}`` (``time``: ISO 8601 UTC to the second). With
    ``everything=True``: every record of the case (reads, refusals, events,
    archived ones too), oldest first, each a dict with the store's keys
    (``id, time, user, roles, case_uid, case, item, action, channel,
    outcome, client, details, kind, prev_hash, hash``; ``roles`` a list).

Before upgrade step 20261202001 the trail lived in the case's annotations
(a LOBTree of tuples, or a list in the first version); ``entries`` still
reads what is left there, read-only, and the upgrade step copies it into the
store. Nothing writes annotations any more.
"""

from datetime import UTC
from datetime import datetime

from AccessControl import getSecurityManager
from Acquisition import aq_chain
from Acquisition import aq_inner
from persistent.list import PersistentList
from plone.rest.interfaces import IAPIRequest
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest

from cpms.core import auditstore

# Where the first versions kept the trail (read-only now).
KEY = "cpms.audit"
FIELDS = ("action", "actor", "time", "message")
CASE_TYPE = "Case"
# Downloads: what a response hands over as a file.
DOWNLOAD_NAMES = (
    "@@download",
    "download",
    "@@display-file",
    "display-file",
    "@@images",
    "@@report-pdf",
    "@report-pdf",
    "report-pdf",
    "@export",
    "@fhir",
)


def case_of(obj):
    """The case ``obj`` is or is inside of (by acquisition), or None."""
    if obj is None:
        return None
    try:
        chain = aq_chain(aq_inner(obj))
    except (AttributeError, TypeError):
        return None
    for candidate in chain:
        if getattr(candidate, "portal_type", None) == CASE_TYPE:
            return candidate
    return None


def item_of(case, obj) -> str:
    """``obj``'s path inside ``case`` ('' for the case itself)."""
    if obj is None or case is None:
        return ""
    try:
        path = obj.getPhysicalPath()
        base = case.getPhysicalPath()
    except AttributeError:
        return ""
    return "/".join(path[len(base) :]) if path[: len(base)] == base else ""


def roles_on(user, case) -> list[str]:
    """The roles ``user`` holds on ``case`` now: global and local."""
    if user is None or case is None:
        return []
    try:
        roles = user.getRolesInContext(case)
    except (AttributeError, TypeError):
        return []
    return sorted({r for r in roles if r not in ("Authenticated",)})


def channel_of(request, names=()) -> str:
    if request is None:
        return "web"
    steps = set(names) or set(request.get("TraversalRequestNameStack") or ())
    path = request.get("PATH_INFO", "") or ""
    if any(f"/{n}" in path for n in DOWNLOAD_NAMES) or steps & set(DOWNLOAD_NAMES):
        return "download"
    if IAPIRequest.providedBy(request):
        return "rest"
    return "web"


def client_of(request) -> str:
    if request is None:
        return ""
    try:
        return request.getClientAddr() or ""
    except AttributeError:
        return ""


def record(
    obj,
    action: str,
    message: str = "",
    actor: str | None = None,
    *,
    kind: str = "trail",
    item: str | None = None,
    outcome: str = "allowed",
    channel: str | None = None,
    roles=None,
    request=None,
) -> dict:
    """Append one record about ``obj``'s case (see the module's docstring)."""
    case = case_of(obj)
    # Zope's security manager, not plone.api: a record may be written where
    # no site is set (a thread, a script).
    user = getSecurityManager().getUser()
    if actor is None:
        actor = user.getId() if user is not None else None
    if request is None:
        request = getRequest()
    if roles is None:
        roles = (
            roles_on(user, case) if user is not None and user.getId() == actor else []
        )
    stored = auditstore.append(
        user=actor or "",
        roles=roles,
        case_uid=_uid(case),
        case=getattr(case, "case_id", None)
        or (case.getId() if case is not None else ""),
        item=item if item is not None else item_of(case, obj),
        action=action,
        channel=channel or channel_of(request),
        outcome=outcome,
        client=client_of(request),
        details=message or "",
        kind=kind,
    )
    return _trail_entry(stored)


def _uid(case) -> str:
    if case is None:
        return ""
    try:
        return case.UID() or ""
    except AttributeError:
        return ""


def _seconds(stored_time: str) -> str:
    try:
        moment = datetime.strptime(stored_time, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return stored_time
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _trail_entry(stored: dict) -> dict:
    return {
        "action": stored["action"],
        "actor": stored["user"],
        "time": _seconds(stored["time"]),
        "message": stored["details"],
    }


def full(stored: dict) -> dict:
    """A store record as a plain dict, ``roles`` as a list."""
    out = dict(stored)
    out["roles"] = [r for r in (stored.get("roles") or "").split(",") if r]
    return out


def legacy_entries(obj) -> list[dict]:
    """What the first versions left in the case's annotations (read-only)."""
    try:
        trail = IAnnotations(obj).get(KEY)
    except TypeError:
        return []
    if trail is None:
        return []
    values = trail if isinstance(trail, PersistentList) else trail.values()
    out = []
    for value in values:
        if isinstance(value, tuple):
            out.append(dict(zip(FIELDS, value, strict=True)))
        else:
            out.append({name: str(value.get(name) or "") for name in FIELDS})
    return out


def entries(obj, everything: bool = False) -> list[dict]:
    """The case's trail, oldest first (see the module's docstring)."""
    case = case_of(obj) or obj
    uid = _uid(case)
    old = legacy_entries(case)
    if not uid:
        return old if not everything else []
    if everything:
        found, _total = auditstore.search(
            case_uid=uid, newest_first=False, archived=True
        )
        legacy = [
            {
                "id": None,
                "time": entry["time"],
                "user": entry["actor"],
                "roles": [],
                "case_uid": uid,
                "case": getattr(case, "case_id", "") or "",
                "item": "",
                "action": entry["action"],
                "channel": "",
                "outcome": "allowed",
                "client": "",
                "details": entry["message"],
                "kind": "trail",
            }
            for entry in old
        ]
        return legacy + [full(r) for r in found]
    found, _total = auditstore.search(
        case_uid=uid, kind="trail", newest_first=False, archived=True
    )
    # Entries copied from the annotations keep their own (earlier) times.
    return sorted(old + [_trail_entry(r) for r in found], key=lambda e: e["time"])
