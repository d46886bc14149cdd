"""Erasure of a case (GDPR Art. 17): its free texts and files become a
tombstone that keeps only what the network's KPIs need.

What is kept (the tombstone): the case id, the dates (created, modified, every
workflow transition's time), the states and the workflow history without its
comments, the counts of items of each kind (the items stay, emptied), the
expertise area and the referring healthcare provider (the network's KPIs are
counted per area and per centre), the urgent flag, who acted (user ids of the
professionals: the enrolling clinician, contributors, signer), consent kinds
and their dates and withdrawal, meeting times. What goes: every free text
(nickname, summaries, question, contributions, report texts and references,
meeting agendas and titles, file titles and names, workflow comments, i.e.
information requests and their answers), the patient's sex, year of birth or
age band, and the diagnosis and phenotype codes (a rare disease's code with
a centre and a year can single out a patient, so codes are not kept), every
file and preview (their blobs). Items named after their title (files,
meetings) are renamed ``file-N``/``meeting-N``: a URL must not keep a name.

Not touched: the access audit (``cpms.core.audit``): it is the record of who
did what, kept by law (Art. 17(3)(b)), and the erasure itself is one of its
entries.

The old texts and blobs stay in the database's history until it is packed:
``pack_history`` packs it up to now (FileStorage removes every older revision
of every object, and the blob files only those revisions referenced), which
the retention job (``cpms.privacy.retention``) does after any erasure.
"""

import time
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import system
from Acquisition import aq_base
from persistent.list import PersistentList
from plone import api
from plone.app.textfield import RichText
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedField
from plone.namedfile.interfaces import INamedFile
from zope import schema
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.schema import getFieldsInOrder

from cpms import _
from cpms.cases.events import CaseErased
from cpms.core import audit

TOMBSTONE = "[erased]"
NICKNAME_TOMBSTONE = "Erased case"
# Text fields that name professionals or the case, not the patient: kept.
KEPT_TEXT = frozenset(
    {
        "case_id",
        "referring_clinician",
        "recorded_by",
        "signed_by",
        "consent_version",
        "liability_statement",
        # Dublin Core (plone.ownership): the professionals who made an item.
        "creators",
        "contributors",
    }
)
# Fields that say something about the patient although they are no free
# text: emptied.
DROPPED = frozenset({"sex", "year_of_birth", "age_band", "video_url"})
CODES = frozenset({"orpha_codes", "icd10_codes", "hpo_terms"})
# Items whose URL id comes from a title or a file name, and their new names.
RENAMED = {"MedicalFile": "file", "Meeting": "meeting"}

ERASED_KEY = "cpms.privacy.erased"
ERASE_DUE_KEY = "cpms.privacy.erase_due"
PACK_PENDING_KEY = "cpms.privacy.pack_pending"


@contextmanager
def unrestricted():
    """Act as Zope's system user: an erasure touches what nobody may edit
    any more (a withdrawn, closed or archived case)."""
    old = getSecurityManager()
    newSecurityManager(None, system)
    try:
        yield
    finally:
        setSecurityManager(old)


def erased(case) -> dict | None:
    """``{"time", "by", "reason"}`` once the case is erased, else None."""
    found = IAnnotations(case).get(ERASED_KEY)
    return dict(found) if found else None


def _tree(obj):
    yield obj
    if getattr(aq_base(obj), "isPrincipiaFolderish", False):
        for child in obj.objectValues():
            yield from _tree(child)


def _erasable(obj):
    """``(adapted, name, field, value, tombstone)`` for each field of ``obj``
    that holds something an erasure replaces (the walk both the erasure and
    its preview take, so the preview counts what the erasure does)."""
    for iface in iterSchemata(obj):
        adapted = iface(obj, None)
        if adapted is None:
            continue
        for name, field in getFieldsInOrder(iface):
            if name in KEPT_TEXT or (
                name == "title" and obj.portal_type not in RENAMED
            ):
                continue
            value = getattr(adapted, name, None)
            if value in (None, "", [], (), set()):
                continue
            new = _tombstone(obj, name, field, value)
            if new is _KEEP:
                continue
            yield adapted, name, field, value, new


def _erase_fields(obj) -> dict:
    counts = {"texts": 0, "files": 0, "codes": 0}
    for adapted, name, field, value, new in _erasable(obj):
        if INamedField.providedBy(field):
            counts["files"] += 1
        elif name in CODES:
            counts["codes"] += len(value)
        else:
            counts["texts"] += 1
        # Read-only fields (derived ones: a file's kind) are set on the
        # object. One that cannot be set fails the erasure rather than
        # leave its text behind.
        if field.readonly:
            setattr(obj, name, new)
        else:
            setattr(adapted, name, new)
    return counts


class _Keep:
    pass


_KEEP = _Keep()


def _tombstone(obj, name, field, value):
    if INamedField.providedBy(field):
        return None
    if name in CODES:
        return []
    if name in DROPPED:
        return None
    if name == "nickname":
        return NICKNAME_TOMBSTONE
    if name == "title":
        return f"Erased {RENAMED.get(obj.portal_type, 'item')}"
    if name == "description":
        return ""
    if isinstance(field, RichText):
        return RichTextValue(TOMBSTONE, "text/plain", "text/html")
    if isinstance(field, schema.Text | schema.TextLine | schema.ASCIILine):
        return TOMBSTONE
    if isinstance(field, schema.List | schema.Tuple | schema.Set) and isinstance(
        getattr(field, "value_type", None), schema.TextLine | schema.Text
    ):
        return () if isinstance(field, schema.Tuple) else []
    return _KEEP


def _loose_files(obj) -> list[tuple[str, int]]:
    """Files kept outside any schema field (an imaging series' images and
    thumbnail): ``[(attribute, bytes)]``."""
    fields = {name for iface in iterSchemata(obj) for name in iface.names()}
    found = []
    for name, value in list(getattr(aq_base(obj), "__dict__", {}).items()):
        if name in fields:
            continue  # a schema field: erased (and counted) as such
        if INamedFile.providedBy(value):
            found.append((name, value.getSize()))
        elif isinstance(value, list | tuple | PersistentList):
            sizes = [
                part.getSize()
                for entry in value
                for part in (entry if isinstance(entry, tuple) else (entry,))
                if INamedFile.providedBy(part)
            ]
            if sizes:
                found.append((name, sum(sizes)))
    return found


def _erase_loose_files(obj) -> int:
    found = _loose_files(obj)
    for name, _size in found:
        value = getattr(aq_base(obj), name)
        if INamedFile.providedBy(value):
            setattr(obj, name, None)
        else:
            setattr(obj, name, type(value)())
    return len(found)


def _erase_history(obj) -> int:
    history = getattr(aq_base(obj), "workflow_history", None)
    if not history:
        return 0
    erased_comments = 0
    for workflow_id, entries in list(history.items()):
        kept = []
        for entry in entries:
            entry = dict(entry)
            if entry.get("comments"):
                erased_comments += 1
                entry["comments"] = ""
            kept.append(entry)
        history[workflow_id] = tuple(kept)
    return erased_comments


def _rename(case) -> None:
    numbers: dict[str, int] = {}
    for item_id, item in list(case.objectItems()):
        base = RENAMED.get(item.portal_type)
        if base is None:
            continue
        numbers[base] = numbers.get(base, 0) + 1
        new_id = f"{base}-{numbers[base]}"
        while new_id in case.objectIds() and new_id != item_id:
            numbers[base] += 1
            new_id = f"{base}-{numbers[base]}"
        if new_id != item_id:
            case.manage_renameObject(item_id, new_id)


def erase_case(case, reason: str, actor: str | None = None) -> dict:
    """Replace the case's free texts and files by the tombstone; record it.

    Returns what was erased: ``{"texts", "files", "codes", "comments",
    "items"}`` (counts). Erasing an erased case again erases what was added
    since (nothing, normally) and is recorded again.
    """
    if actor is None:
        user = api.user.get_current()
        actor = user.getId() if user is not None else ""
    totals = {"texts": 0, "files": 0, "codes": 0, "comments": 0, "items": 0}
    with unrestricted():
        _rename(case)
        for obj in _tree(case):
            counts = _erase_fields(obj)
            counts["files"] += _erase_loose_files(obj)
            for key, value in counts.items():
                totals[key] += value
            totals["comments"] += _erase_history(obj)
            if obj is not case:
                totals["items"] += 1
        annotations = IAnnotations(case)
        annotations[ERASED_KEY] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": actor or "",
            "reason": reason,
        }
        annotations.pop(ERASE_DUE_KEY, None)
        for obj in _tree(case):
            obj.reindexObject()
        # Texts about the case kept outside it (contact requests' messages).
        notify(CaseErased(case, TOMBSTONE))
        mark_pack_pending()
    summary = ", ".join(f"{value} {key}" for key, value in totals.items())
    audit.record(case, "case_erased", f"{reason}: {summary}", actor=actor)
    return totals


def what_is_lost(case) -> dict:
    """What an erasure would remove, counted without reading it out:
    the DPO's confirmation states it without seeing the case's content."""
    texts = files = size = comments = items = 0
    for obj in _tree(case):
        if obj is not case:
            items += 1
        for _adapted, _name, field, value, new in _erasable(obj):
            if new == value or _raw(value) == TOMBSTONE:
                continue
            if INamedField.providedBy(field):
                files += 1
                size += len(getattr(value, "data", b"") or b"")
            else:
                texts += 1
        for _name, loose in _loose_files(obj):
            files += 1
            size += loose
        for entries in (getattr(aq_base(obj), "workflow_history", None) or {}).values():
            comments += sum(1 for e in entries if e.get("comments"))
    return {
        "texts": texts,
        "files": files,
        "bytes": size,
        "comments": comments,
        "items": items,
    }


def _raw(value):
    return getattr(value, "raw", value)


# --- erasure after a withdrawn care consent ----------------------------------


def grace_days() -> int:
    return int(
        api.portal.get_registry_record(
            "cpms.privacy.erase_after_care_withdrawal_days", default=30
        )
        or 0
    )


def care_consent_withdrawn(consent, event) -> None:
    """Subscriber: the care consent's withdrawal erases the case, at once
    (grace period 0) or once the grace period is over (the retention job)."""
    from cpms.cases.states import WITHDRAW_CONSENT
    from cpms.cases.workflow import CONSENT_KIND_CARE

    transition = getattr(event, "transition", None)
    if transition is None or transition.getId() != WITHDRAW_CONSENT:
        return
    if getattr(consent, "kind", None) != CONSENT_KIND_CARE:
        return
    case = consent.__parent__
    days = grace_days()
    if days <= 0:
        erase_case(case, "care consent withdrawn")
        return
    due = time.time() + days * 86400
    IAnnotations(case)[ERASE_DUE_KEY] = datetime.fromtimestamp(due, UTC).isoformat(
        timespec="seconds"
    )
    # An event of the access audit, not an entry of the case's trail (which
    # already holds the withdrawal itself).
    audit.record(
        case,
        "erasure_scheduled",
        f"care consent withdrawn: erased after {days} days",
        kind="event",
    )


def erase_due(case) -> datetime | None:
    value = IAnnotations(case).get(ERASE_DUE_KEY)
    return datetime.fromisoformat(value) if value else None


# --- the database's history ------------------------------------------------


def mark_pack_pending() -> None:
    portal = api.portal.get()
    IAnnotations(portal)[PACK_PENDING_KEY] = time.time()


def pack_pending() -> float | None:
    return IAnnotations(api.portal.get()).get(PACK_PENDING_KEY)


def clear_pack_pending() -> None:
    IAnnotations(api.portal.get()).pop(PACK_PENDING_KEY, None)


def pack_history(db, until: float | None = None) -> None:
    """Pack the database up to ``until`` (now): every revision older than the
    current one of each object goes, and with them the blob files only those
    revisions referenced. It removes the whole database's undo history up to
    that moment, not only the erased case's: that is the price of removing
    the erased texts from the history."""
    db.pack(t=until or time.time())


# Said to whoever erases (the page's confirmation, ``GET @erase``).
KEPT_DESCRIPTION = _(
    "The case id, its dates and states, how many items of each kind it has, "
    "its expertise area and referring healthcare provider, who took part "
    "(professionals' user ids), consent kinds and dates, meeting times, and "
    "the access audit."
)
LOST_DESCRIPTION = _(
    "Every free text (nickname, clinical summary and question, contributions, "
    "outcome report, meeting agendas, file titles and names, the comments of "
    "its history: information requests and answers), the patient's sex and "
    "year of birth or age band, the diagnosis and phenotype codes, and every "
    "file."
)
