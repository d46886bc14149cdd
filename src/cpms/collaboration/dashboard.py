"""Dashboard data, from the catalog only (no object is woken up).

``my_cases``: the cases where a user holds a role, urgent first, with what
waits on them; counted and ordered by the indexes alone, so that a panel lead
of thousands of cases waits no longer than one of ten.  ``coordinator``: open
panels with days open and contribution counts, cases waiting for a panel, and
the median time to closure.

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

from BTrees.IIBTree import IISet
from BTrees.IIBTree import difference
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion
from DateTime import DateTime
from plone import api
from plone.memoize import ram
from Products.CMFCore.indexing import processQueue
from Products.ZCatalog.query import IndexQuery

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


# Rows of a dashboard list shown at once (pages and REST), unless asked.
BATCH_SIZE = 50


def batch_parameters(form, *starts: str) -> dict:
    """``b_size`` (``BATCH_SIZE`` by default, -1 for all) and the given start
    parameters from a request's form, as whole numbers from 0; a
    ``ValueError`` naming the parameter otherwise."""
    found = {}
    for name in ("b_size", *starts):
        text = str(form.get(name, "")).strip()
        if name == "b_size" and text in ("", "-1"):
            found[name] = BATCH_SIZE if text == "" else None
        elif text == "":
            found[name] = 0
        elif text.isascii() and text.isdigit():
            found[name] = int(text)
        else:
            raise ValueError(name)
    if found["b_size"] == 0:
        raise ValueError("b_size")
    return found


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


def waiting_on(state: str, userid: str, roles: set[str], facts: ItemFacts) -> str:
    """What a case in ``state`` waits for from this user, in a few words
    ('' if nothing). The one place of these rules: the ``case_waiting_on``
    index (``waiting_userids``) holds who gets a non-empty answer."""
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


def waiting_userids(state: str, people, facts: ItemFacts) -> list[str]:
    """The users a case waits on (``people``: userid -> roles, as the
    ``case_roles`` metadata holds them), sorted."""
    return sorted(
        userid
        for userid, roles in dict(people or ()).items()
        if waiting_on(state, userid, set(roles), facts)
    )


# The indexes that say who is on a case and who it waits on: reindexed
# together whenever a case's people change.
PEOPLE_INDEXES = ["case_people", "case_waiting_on"]


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
        row["waiting_on_you"] = waiting_on(brain.review_state, userid, roles, facts)
    return row


def _rids(catalog, name: str, value) -> IISet:
    """The record ids one index gives for ``value`` (no record is read)."""
    index = catalog._catalog.getIndex(name)
    query = IndexQuery(
        {name: value}, index.id, index.query_options, index.operators, index.useOperator
    )
    return index.query_index(query) or IISet()


def _segments(catalog, userid: str, mine: IISet) -> tuple[list, dict, int]:
    """``mine`` (record ids) cut in the order My cases shows: urgent first,
    then what waits on the user, then by state (``STATE_ORDER``, other states
    last); the count of each state and of the cases waiting on the user.
    Index intersections only."""
    waiting = intersection(mine, _rids(catalog, "case_waiting_on", userid))
    urgent = intersection(mine, _rids(catalog, "case_urgent", True))
    by_state, in_state = {}, {}
    for state in catalog._catalog.getIndex("review_state").uniqueValues():
        found = intersection(mine, _rids(catalog, "review_state", state))
        if found:
            by_state[state] = len(found)
            in_state[state] = found
    ordered = [in_state.get(state, IISet()) for state in STATE_ORDER]
    others = [found for state, found in in_state.items() if state not in STATE_ORDER]
    ordered.append(multiunion(others) if others else IISet())
    segments = []
    for first in (urgent, difference(mine, urgent)):
        for second in (intersection(first, waiting), difference(first, waiting)):
            segments += [intersection(second, state) for state in ordered]
    return [s for s in segments if s], by_state, len(waiting)


def my_cases(userid: str, b_start: int = 0, b_size: int | None = None) -> dict:
    """The user's cases, sorted; ``items`` holds rows ``b_start`` to
    ``b_start + b_size`` (all when ``b_size`` is None).

    A busy panel lead holds a role on thousands of cases: the order and the
    counts come from the indexes alone (``case_urgent``, ``case_waiting_on``,
    ``review_state``, and ``created`` for newest first within each group, to
    the minute as Plone's date indexes keep it), as intersections of sets of
    record ids; a case's record is read, and what its items say asked for,
    only for the rows shown.
    """
    catalog = api.portal.get_tool("portal_catalog")
    processQueue()  # what this transaction changed, indexed first
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
    mine = intersection(
        _rids(catalog, "portal_type", "Case"),
        _rids(catalog, "allowedRolesAndUsers", tokens),
    )
    mine = mine if mine is not None else IISet()
    segments, by_state, waiting_total = _segments(catalog, userid, mine)
    # The rows asked for, segment by segment, newest first in each.
    created = catalog._catalog.getIndex("created")
    skip, left = b_start, b_size
    shown = []
    for segment in segments:
        if left is not None and left <= 0:
            break
        size = len(segment)
        if skip >= size:
            skip -= size
            continue
        take = size - skip if left is None else min(size - skip, left)
        shown += catalog._catalog.sortResults(
            segment,
            created,
            reverse=True,
            limit=skip + take,
            actual_result_count=size,
            b_start=skip,
            b_size=take,
        )
        skip = 0
        left = None if left is None else left - take
    facts = item_facts([b for b in shown if b.review_state == states.IN_DISCUSSION])
    rows = []
    for brain in shown:
        rows.append(_row(brain, now, facts.get(brain.getPath()) or ItemFacts(), userid))
    return {
        "userid": userid,
        "items_total": len(mine),
        "b_start": b_start,
        "b_size": b_size,
        "by_state": by_state,
        "waiting_on_you": waiting_total,
        "items": rows,
    }


def _urgent_first(sort_on: str, b_start: int, b_size: int | None, **query):
    """Cases of ``query`` (filtered by View), urgent ones first, each group
    sorted by an index; the brains of rows ``b_start`` to ``b_start +
    b_size`` and the total. The catalog sorts the record ids by the index
    and reads no case's metadata but those of the rows asked for."""
    catalog = api.portal.get_tool("portal_catalog")
    limit = None if b_size is None else b_start + b_size
    parts = [
        catalog.searchResults(
            portal_type="Case",
            case_urgent=urgent,
            sort_on=sort_on,
            sort_limit=limit,
            **query,
        )
        for urgent in (True, False)
    ]
    total = sum(getattr(p, "actual_result_count", None) or len(p) for p in parts)
    brains = [brain for part in parts for brain in part[:limit]]
    return brains[b_start:limit], total


def _closure_days() -> list[float]:
    """Days from submission (else creation) to closure of every closed or
    archived case the user may see."""
    catalog = api.portal.get_tool("portal_catalog")
    durations = []
    for brain in catalog.searchResults(
        portal_type="Case", review_state=(states.CLOSED, states.ARCHIVED)
    ):
        start = brain.case_submitted or brain.created
        end = brain.case_closed
        if isinstance(start, DateTime) and isinstance(end, DateTime):
            durations.append(end - start)
    return durations


def _closure_key(method):
    # Recomputed whenever the catalog changed (its counter moves with every
    # indexing) or for another reader (what they may see differs).
    # The sizes make a stale hit unlikely where the counter itself comes
    # back (a transaction aborted after indexing).
    catalog = api.portal.get_tool("portal_catalog")
    user = api.user.get_current()
    closed = catalog.searchResults(
        portal_type="Case", review_state=(states.CLOSED, states.ARCHIVED)
    )
    return (
        catalog.getCounter(),
        len(catalog),
        len(closed),
        user.getId(),
        tuple(sorted(user.getRolesInContext(catalog))),
    )


@ram.cache(_closure_key)
def closure_summary() -> tuple[int, float | None]:
    """(closed cases, median days to closure): reading the dates of every
    closed case is the one part of the dashboard that grows with the
    network's whole history, and it changes only when a case does."""
    durations = _closure_days()
    return len(durations), (round(median(durations), 1) if durations else None)


def coordinator(
    b_start: int = 0, b_size: int | None = None, waiting_b_start: int = 0
) -> dict:
    """Open panels (urgent first, longest open first) and cases waiting for a
    panel (urgent first, oldest first), ``b_size`` rows of each from
    ``b_start`` and ``waiting_b_start`` (all when ``b_size`` is None), with
    their totals; counts by state; the median time to closure."""
    catalog = api.portal.get_tool("portal_catalog")
    now = DateTime()
    in_discussion, open_total = _urgent_first(
        "case_panel_opened", b_start, b_size, review_state=states.IN_DISCUSSION
    )
    facts = item_facts(in_discussion)
    open_panels = [_row(b, now, facts[b.getPath()]) for b in in_discussion]
    submitted, waiting_total = _urgent_first(
        "created", waiting_b_start, b_size, review_state=states.SUBMITTED
    )
    facts = item_facts(submitted)
    waiting = [_row(b, now, facts[b.getPath()]) for b in submitted]
    closed_count, median_days = closure_summary()
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
        "open_panels_total": open_total,
        "waiting_for_panel": waiting,
        "waiting_for_panel_total": waiting_total,
        "b_start": b_start,
        "waiting_b_start": waiting_b_start,
        "b_size": b_size,
        "closed_count": closed_count,
        "median_days_to_closure": median_days,
    }
