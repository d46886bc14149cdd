"""Catalog indexers of a case for the dashboards (no object walks at query time).

Everything a dashboard row needs is catalog metadata, computed when the case
is (re)indexed: on edit, on workflow transitions, and when its panel, its
contributions or its report change (see the subscribers).
"""

from DateTime import DateTime
from plone import api
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


def _items(case, portal_type: str):
    return [obj for obj in case.objectValues() if obj.portal_type == portal_type]


@indexer(ICase)
def case_people(case):
    """userids holding a role on the case, live guests included
    (KeywordIndex: "my cases")."""
    return sorted(roles_on_case(case))


@indexer(ICase)
def case_roles(case):
    """userid -> sorted roles on the case (metadata)."""
    return {userid: sorted(roles) for userid, roles in roles_on_case(case).items()}


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
def case_contributors(case):
    """Who contributed (the creators of the case's contributions)."""
    people = set()
    for obj in _items(case, "Contribution"):
        creators = obj.listCreators()
        people.update(creators[:1])
    return sorted(people)


@indexer(ICase)
def case_contribution_count(case):
    return len(_items(case, "Contribution"))


def report_is_signed(report) -> bool:
    for name in ("is_signed", "signed"):
        value = getattr(report, name, None)
        if callable(value):
            value = value()
        if value:
            return True
    if getattr(report, "signed_by", None) or getattr(report, "signer", None):
        return True
    try:
        return api.content.get_state(obj=report, default=None) == states.REPORT_SIGNED
    except Exception:  # noqa: BLE001 - no workflow: not signed by state
        return False


@indexer(ICase)
def case_report_signed(case):
    return any(report_is_signed(r) for r in _items(case, "OutcomeReport"))


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
