"""Catalog indexers of a case for the dashboards (no object walks at query time).

Everything a dashboard row needs about the case is catalog metadata, computed
when the case is (re)indexed: on edit, on workflow transitions, and when its
panel changes (see the subscribers). What it says about the case's items
(contributions, the report) comes from the items' own records
(``dashboard.item_facts``), so that posting an item does not rewrite the
case's record.
"""

from Acquisition import aq_base
from DateTime import DateTime
from plone import api
from plone.indexer import indexer

from cpms.cases import states
from cpms.cases.content.case import ICase
from cpms.cases.content.contribution import Contribution
from cpms.cases.content.outcome_report import OutcomeReport
from cpms.collaboration.dashboard import ItemFacts
from cpms.collaboration.dashboard import waiting_userids
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


def _facts_of(case) -> ItemFacts:
    """What the case's items say, from the items themselves: the index is
    computed while Plone's indexing queue runs, where a contribution just
    added may not be in the catalog yet. Only contributions and the report
    are loaded (an item's class is known without loading it)."""
    facts = ItemFacts()
    for item in case.objectValues():
        if isinstance(aq_base(item), Contribution):
            facts.contributions += 1
            if item.Creator():
                facts.contributors.add(item.Creator())
        elif isinstance(aq_base(item), OutcomeReport):
            signed = api.content.get_state(obj=item, default=None)
            facts.report_signed |= signed == states.REPORT_SIGNED
    return facts


@indexer(ICase)
def case_waiting_on(case):
    """userids the case waits on (KeywordIndex: "My cases" counts and
    orders by it); the rules are ``dashboard.waiting_on``'s. Only an open
    panel waits on anyone for what its items say."""
    state = api.content.get_state(obj=case, default=None)
    people = roles_on_case(case)
    facts = _facts_of(case) if state == states.IN_DISCUSSION else ItemFacts()
    return waiting_userids(state, people, facts)


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
