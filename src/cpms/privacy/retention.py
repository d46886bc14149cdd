"""The retention job: erase what is due, then pack the database's history.

Due are (registry, ``profiles/default/registry/retention.xml``):

- a case whose care consent was withdrawn, once the grace period
  (``cpms.privacy.erase_after_care_withdrawal_days``) is over;
- a closed, archived or withdrawn case, ``cpms.privacy.retention_years_after_closure``
  years after it was closed (its last ``close``) or withdrawn (0: never).

Run daily from cron: ``make apply-retention`` (``scripts/apply_retention.py``
calls ``POST /cpms/@retention`` over HTTP: an embedded FileStorage cannot be
opened by a second process while the portal runs). After an erasure (by the
job or on request) the job packs the database up to the moment its erasures
are committed
(``cpms.privacy.pack_after_erasure``), so the erased texts and blobs leave
the history too.
"""

import logging
from datetime import UTC
from datetime import datetime

import transaction
from plone import api

from cpms.cases import states
from cpms.privacy import erasure

logger = logging.getLogger(__name__)

ENDED = (states.CLOSED, states.ARCHIVED, states.WITHDRAWN)
# The transitions whose time starts the retention period.
ENDING_TRANSITIONS = (states.CLOSE, states.WITHDRAW)


def retention_years() -> int:
    return int(
        api.portal.get_registry_record(
            "cpms.privacy.retention_years_after_closure", default=10
        )
        or 0
    )


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if hasattr(value, "asdatetime"):  # Zope DateTime
        return value.asdatetime().astimezone(UTC)
    return None


def ended_on(case) -> datetime | None:
    """When the case was last closed or withdrawn (its workflow history)."""
    history = (getattr(case, "workflow_history", None) or {}).get(
        states.CASE_WORKFLOW_ID, ()
    )
    times = [
        _as_datetime(entry.get("time"))
        for entry in history
        if entry.get("action") in ENDING_TRANSITIONS
    ]
    times = [t for t in times if t is not None]
    return max(times) if times else None


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def due(case, now: datetime) -> str | None:
    """Why the case is to be erased now, or None."""
    if erasure.erased(case):
        return None
    scheduled = erasure.erase_due(case)
    if scheduled is not None and scheduled <= now:
        return "care consent withdrawn, grace period over"
    years = retention_years()
    if years <= 0 or api.content.get_state(obj=case) not in ENDED:
        return None
    ended = ended_on(case)
    if ended is not None and _years_later(ended, years) <= now:
        return f"retention period of {years} years after closure over"
    return None


def apply_retention(commit: bool = False) -> dict:
    """Erase every case that is due. With ``commit`` (the HTTP endpoint and
    the script), commit the erasures and pack the database's history.

    Returns ``{"erased": [{"case", "reason"}], "packed": bool}``.
    """
    now = datetime.now(UTC)
    catalog = api.portal.get_tool("portal_catalog")
    done = []
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        case = brain._unrestrictedGetObject()
        reason = due(case, now)
        if reason is None:
            continue
        erasure.erase_case(case, reason, actor="retention job")
        done.append({"case": case.case_id or case.getId(), "reason": reason})
    packed = False
    if commit and erasure.pack_pending() is not None and _pack_wanted():
        erasure.clear_pack_pending()
        transaction.commit()
        db = api.portal.get()._p_jar.db()
        try:
            erasure.pack_history(db)
            packed = True
        except Exception:  # a storage that cannot pack: say so, keep the rest
            logger.exception("Packing the database after an erasure failed")
            erasure.mark_pack_pending()
    return {"erased": done, "packed": packed}


def _pack_wanted() -> bool:
    return bool(
        api.portal.get_registry_record("cpms.privacy.pack_after_erasure", default=True)
    )
