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
from plone.memoize import ram

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


def my_cases(userid: str, b_start: int = 0, b_size: int | None = None) -> dict:
    """The user's cases, sorted; ``items`` holds rows ``b_start`` to
    ``b_start + b_size`` (all when ``b_size`` is None).

    The order and the counts need every case's state, roles and urgency
    (catalog metadata) and, for the open panels the user sits on, what their
    items say; a full row (URL, titles, dates) is built only for the rows
    shown: a busy panel lead holds a role on thousands of cases.
    """
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
    entries = []
    for brain in brains:
        roles = set(dict(brain.case_roles or ()).get(userid, ()))
        entries.append((brain, roles))
    # Only an open panel can wait on a user for what its items say.
    facts = item_facts(
        [b for b, _r in entries if b.review_state == states.IN_DISCUSSION]
    )
    keyed = []
    for brain, roles in entries:
        item = facts.get(brain.getPath()) or ItemFacts()
        waiting = waiting_on(brain, userid, roles, item)
        created = brain.created
        keyed.append((brain, roles, item, waiting, created))
    # Urgent first, then what waits on me, then by state and newest first.
    keyed.sort(
        key=lambda e: e[4].timeTime() if isinstance(e[4], DateTime) else 0,
        reverse=True,
    )
    keyed.sort(
        key=lambda e: (
            not e[0].case_urgent,
            not e[3],
            _state_rank(e[0].review_state),
        )
    )
    by_state = {}
    for brain, *_rest in keyed:
        by_state.setdefault(brain.review_state, 0)
        by_state[brain.review_state] += 1
    shown = keyed[b_start : None if b_size is None else b_start + b_size]
    rows = []
    for brain, roles, item, waiting, _created in shown:
        row = _row(brain, now, item)
        row["roles"] = sorted(roles)
        row["waiting_on_you"] = waiting
        rows.append(row)
    return {
        "userid": userid,
        "items_total": len(keyed),
        "b_start": b_start,
        "b_size": b_size,
        "by_state": by_state,
        "waiting_on_you": sum(1 for e in keyed if e[3]),
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
