"""Dashboard data, from catalog brains only (no object is woken up).

``my_cases``: the cases where a user holds a role, urgent first, with what
waits on them.  ``coordinator``: open panels with days open and contribution
counts, cases waiting for a panel, and the median time to closure.

What a row says about a case's items (how many contributions, from whom,
whether the report is signed) comes from the items' own catalog records, in
one query for all the rows: kept on the case's record, it would make every
contribution rewrite that record, and two experts posting to the same case
at the same moment would conflict on it.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from statistics import median

from DateTime import DateTime
from plone import api

from cpms import _
from cpms.cases import states
from cpms.cases.workflow_definitions import CASE_WORKFLOW
from cpms.core.i18n import as_message
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.identity.catalog import guest_tokens_of

STATE_ORDER = (
    states.DRAFT,
    states.SUBMITTED,
    states.IN_DISCUSSION,
    states.CLOSED,
    states.WITHDRAWN,
    states.ARCHIVED,
)
# Workflow titles are in the catalogue (make i18n reads the definitions).
STATE_TITLES = {state.id: as_message(state.title) for state in CASE_WORKFLOW.states}


def _days(since, now: DateTime) -> int | None:
    if since is None or not isinstance(since, DateTime):
        return None
    return int(now - since)


def _iso(value) -> str | None:
    return value.ISO8601() if isinstance(value, DateTime) else None


@dataclass
class ItemFacts:
    """What the dashboards say about the items of one case."""

    contributions: int = 0
    contributors: set[str] = field(default_factory=set)
    report_signed: bool = False


def item_facts(brains) -> dict[str, ItemFacts]:
    """Facts about the items of the cases of ``brains``, by case path."""
    facts = {brain.getPath(): ItemFacts() for brain in brains}
    if not facts:
        return facts
    catalog = api.portal.get_tool("portal_catalog")
    items = catalog.unrestrictedSearchResults(
        portal_type=("Contribution", "OutcomeReport"),
        path={"query": list(facts), "depth": 1},
    )
    for item in items:
        case = facts.get(item.getPath().rsplit("/", 1)[0])
        if case is None:
            continue
        if item.portal_type == "Contribution":
            case.contributions += 1
            if item.Creator:
                case.contributors.add(item.Creator)
        elif item.review_state == states.REPORT_SIGNED:
            case.report_signed = True
    return facts


def waiting_on(brain, userid: str, roles: set[str], facts: ItemFacts) -> str:
    """What the case waits for from this user, in a few words ('' if nothing)."""
    state = brain.review_state
    if state == states.DRAFT and OWNER in roles:
        return _("Complete the case and submit it")
    if state == states.IN_DISCUSSION:
        if PANEL_LEAD in roles and not facts.report_signed:
            if facts.contributions >= 2:
                return _("Write and sign the outcome report")
            return _("Lead the discussion; the report needs two contributions")
        if PANEL_LEAD in roles and facts.report_signed:
            return _("Close the case")
        if roles & {PANEL_MEMBER, GUEST_CLINICIAN} and userid not in facts.contributors:
            return _("Add your contribution")
    return ""


def _row(brain, now: DateTime, facts: ItemFacts, userid: str | None = None) -> dict:
    people = dict(brain.case_roles or ())
    roles = set(people.get(userid, ())) if userid else set()
    row = {
        "@id": brain.getURL(),
        "case_id": brain.Title,
        "nickname": brain.case_nickname,
        "review_state": brain.review_state,
        "state_title": STATE_TITLES.get(brain.review_state, brain.review_state),
        "urgent": bool(brain.case_urgent),
        "contributions": facts.contributions,
        "report_signed": facts.report_signed,
        "days_open": _days(brain.case_panel_opened, now),
        "created": _iso(brain.created),
    }
    if userid:
        row["roles"] = sorted(roles)
        row["waiting_on_you"] = waiting_on(brain, userid, roles, facts)
    return row


def _state_rank(state: str) -> int:
    return STATE_ORDER.index(state) if state in STATE_ORDER else len(STATE_ORDER)


def my_cases(userid: str) -> dict:
    catalog = api.portal.get_tool("portal_catalog")
    now = DateTime()
    # Cases where the user (or a group of theirs) holds a local role that
    # lets them see the case: ``allowedRolesAndUsers`` names them as
    # "user:<id>", and Plone keeps that index up to date on every change of
    # local roles or state.  Global roles never appear as "user:" tokens.
    # A guest's grants are "guest:" tokens that carry their end: only the
    # live ones are asked for (cpms.identity.catalog).
    user = api.user.get(userid=userid)
    groups = user.getGroups() if user is not None else []
    tokens = [f"user:{principal}" for principal in [userid, *groups]]
    tokens += guest_tokens_of(userid)
    brains = catalog.unrestrictedSearchResults(
        portal_type="Case", allowedRolesAndUsers=tokens
    )
    facts = item_facts(brains)
    rows = [_row(b, now, facts[b.getPath()], userid) for b in brains]
    # Urgent first, then what waits on me, then by state and newest first.
    rows.sort(key=lambda r: r["created"] or "", reverse=True)
    rows.sort(
        key=lambda r: (
            not r["urgent"],
            not r["waiting_on_you"],
            _state_rank(r["review_state"]),
        )
    )
    by_state = {}
    for row in rows:
        by_state.setdefault(row["review_state"], 0)
        by_state[row["review_state"]] += 1
    return {
        "userid": userid,
        "items_total": len(rows),
        "by_state": by_state,
        "waiting_on_you": sum(1 for r in rows if r["waiting_on_you"]),
        "items": rows,
    }


def coordinator() -> dict:
    catalog = api.portal.get_tool("portal_catalog")
    now = DateTime()
    in_discussion = catalog.searchResults(
        portal_type="Case", review_state=states.IN_DISCUSSION
    )
    facts = item_facts(in_discussion)
    open_panels = [_row(b, now, facts[b.getPath()]) for b in in_discussion]
    open_panels.sort(key=lambda r: (not r["urgent"], -(r["days_open"] or 0)))
    submitted = catalog.searchResults(portal_type="Case", review_state=states.SUBMITTED)
    facts = item_facts(submitted)
    waiting = [_row(b, now, facts[b.getPath()]) for b in submitted]
    waiting.sort(key=lambda r: (not r["urgent"], r["created"] or ""))
    durations = []
    for brain in catalog.searchResults(
        portal_type="Case", review_state=(states.CLOSED, states.ARCHIVED)
    ):
        start = brain.case_submitted or brain.created
        end = brain.case_closed
        if isinstance(start, DateTime) and isinstance(end, DateTime):
            durations.append(end - start)
    # Counted by the indexes alone: len() of a result wakes no brain.
    counts = {}
    for state in catalog.uniqueValuesFor("review_state"):
        found = len(catalog.searchResults(portal_type="Case", review_state=state))
        if found:
            counts[state] = found
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "by_state": counts,
        "open_panels": open_panels,
        "waiting_for_panel": waiting,
        "closed_count": len(durations),
        "median_days_to_closure": round(median(durations), 1) if durations else None,
    }
