"""Catalog indexers of a case for the dashboards (no object walks at query time).

Everything a dashboard row needs about the case is catalog metadata, computed
when the case is (re)indexed: on edit, on workflow transitions, and when its
panel changes (see the subscribers). What it says about the case's items
(contributions, the report) comes from the items' own records
(``dashboard.item_facts``), so that posting an item does not rewrite the
case's record.
"""

from DateTime import DateTime
from plone.indexer import indexer

from cpms.cases import states
from cpms.cases.content.case import ICase
from cpms.collaboration.panel import roles_on_case


def _transition_time(case, state: str, last: bool = True):
    history = (getattr(case, "workflow_history", None) or {}).values()
    times = [
        entry.get("time")
        for entries in history
        for entry in entries
        if entry.get("review_state") == state and entry.get("action")
    ]
    if not times:
        return None
    return max(times) if last else min(times)


@indexer(ICase)
def case_people(case):
    """userids holding a role on the case, live guests included
    (KeywordIndex: "my cases")."""
    return sorted(roles_on_case(case))


@indexer(ICase)
def case_roles(case):
    """(userid, sorted roles) pairs of the people on the case (metadata).

    Pairs, not a dict: ZODB merges two changes of a bucket of catalog records
    only if it can compare the records, and dicts cannot be ordered.
    """
    return tuple(
        (userid, tuple(sorted(roles)))
        for userid, roles in sorted(roles_on_case(case).items())
    )


@indexer(ICase)
def case_urgent(case):
    value = getattr(case, "urgent", None)
    if value is None:
        value = getattr(case, "urgency", None)
    if isinstance(value, str):
        return value.lower() in ("urgent", "high", "yes", "true", "1")
    return bool(value)


@indexer(ICase)
def case_nickname(case):
    return getattr(case, "nickname", None) or ""


@indexer(ICase)
def case_panel_opened(case):
    """When the case last entered discussion (the panel opened)."""
    return _transition_time(case, states.IN_DISCUSSION, last=True)


@indexer(ICase)
def case_submitted(case):
    return _transition_time(case, states.SUBMITTED, last=False)


@indexer(ICase)
def case_closed(case):
    if getattr(case, "portal_type", None) != "Case":
        return None
    value = _transition_time(case, states.CLOSED, last=True)
    return value if isinstance(value, DateTime) else None
