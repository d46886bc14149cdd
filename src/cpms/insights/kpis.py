"""The network's KPIs for a period: what the board's activity report shows.

For a period ``[start, end)`` (whole days, ``end`` not included):

- time to panel (submitted -> panel opened) of the cases whose panel opened
  in the period, and time to closure (submitted -> closed) of the cases
  closed in it, in days: count, median and quartiles, overall and per
  expertise area;
- contributions posted in the period, per expert and per centre (the
  member centres whose ``hcp-<id>`` group the expert belongs to; an expert
  of several centres counts for each, an expert of none under "no member
  centre");
- the panels open at the period's end (or today, if it ends later), by how
  long they have been open: 0-7, 8-30, 31-90 and more than 90 days, each
  with its cases' ids;
- how many cases were submitted, closed and withdrawn in the period.

What a case says comes from its catalog record (``facts.case_facts``), what
a contribution says from its own (``Creator``, ``created``), who belongs to
a centre from the centres' groups. No patient data: a case appears by its
case id only, and only in the open panels' lists. A withdrawn case's
record does not say when it was withdrawn: those cases (and only those) are
woken up to read it from their workflow history.
"""

import statistics
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from DateTime import DateTime
from plone import api

from cpms import _
from cpms.cases import states
from cpms.core.users import fullname
from cpms.insights.facts import as_datetime
from cpms.insights.facts import case_facts

MAX_DAYS = 5 * 366  # the longest period one report covers (five years)
AGE_BANDS = (
    ("0-7", 0, 7),
    ("8-30", 8, 30),
    ("31-90", 31, 90),
    (">90", 91, None),
)
NO_CENTRE = "-"


class PeriodError(ValueError):
    """A bad period; ``field`` names the parameter, ``message`` says the fix."""

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the first day not included

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "last_day": self.last_day.isoformat(),
        }

    def _bound(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    @property
    def start_at(self) -> datetime:
        return self._bound(self.start)

    @property
    def end_at(self) -> datetime:
        return self._bound(self.end)

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_at <= moment < self.end_at


def _months_back(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def default_period(today: date | None = None) -> Period:
    """The last twelve months, today included."""
    today = today or datetime.now(UTC).date()
    end = today + timedelta(days=1)
    return Period(_months_back(end, 12), end)


def parse_day(field: str, value: str) -> date:
    """A YYYY-MM-DD date; ``PeriodError`` naming ``field`` otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(
            field,
            _(
                "'${value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-30.",
                mapping={"value": value},
            ),
        ) from None


def parse_period(form, today: date | None = None) -> Period:
    """The period of a query string or form (``start``, ``end``); missing
    both: the last twelve months; one missing: twelve months from or to the
    other. Raises ``PeriodError`` naming the field."""
    start = (form.get("start") or "").strip()
    end = (form.get("end") or "").strip()
    if not start and not end:
        return default_period(today)
    end_day = parse_day("end", end) if end else None
    start_day = parse_day("start", start) if start else None
    if start_day is None:
        start_day = _months_back(end_day, 12)
    if end_day is None:
        end_day = _months_back(start_day, -12)
    if end_day <= start_day:
        raise PeriodError(
            "end",
            _(
                "the period ends before it starts: give an end after ${start} "
                "(the end day is not included).",
                mapping={"start": start_day.isoformat()},
            ),
        )
    if (end_day - start_day).days > MAX_DAYS:
        raise PeriodError(
            "end",
            _(
                "the period is longer than ${years} years: choose a shorter one.",
                mapping={"years": MAX_DAYS // 366},
            ),
        )
    return Period(start_day, end_day)


def _days(since: datetime, until: datetime) -> float:
    return (until - since).total_seconds() / 86400


def summary(days: list[float]) -> dict:
    """Count, median and quartiles (days, one decimal); None without data."""
    days = sorted(days)
    if not days:
        return {"count": 0, "median": None, "q1": None, "q3": None}
    if len(days) == 1:
        q1 = q3 = days[0]
    else:
        # "inclusive": the quartiles of the cases themselves, not of a
        # population they are a sample of (as a spreadsheet's QUARTILE.INC).
        q1, _q2, q3 = statistics.quantiles(days, n=4, method="inclusive")
    return {
        "count": len(days),
        "median": round(statistics.median(days), 1),
        "q1": round(q1, 1),
        "q3": round(q3, 1),
    }


def _withdrawn_at(uid: str) -> datetime | None:
    """When a withdrawn case was withdrawn (its last move into that state).

    The one object read of the KPIs: the catalog keeps no column for it.
    """
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(UID=uid):
        case = brain._unrestrictedGetObject()
        history = (getattr(case, "workflow_history", None) or {}).values()
        times = [
            entry.get("time")
            for entries in history
            for entry in entries
            if entry.get("review_state") == states.WITHDRAWN and entry.get("action")
        ]
        return as_datetime(max(times)) if times else None
    return None


def _durations(cases, until_key: str, period: Period) -> dict:
    """Days from submission (creation, for a case that never was submitted,
    as the coordinator dashboard counts) to ``until_key``."""
    overall, by_area, titles = [], {}, {}
    for case in cases:
        since, until = case.submitted or case.created, getattr(case, until_key)
        if since is None or not period.contains(until) or until < since:
            continue
        days = _days(since, until)
        overall.append(days)
        by_area.setdefault(case.area, []).append(days)
        titles[case.area] = case.area_title
    rows = [
        {"area": uid or None, "title": titles[uid] or None, **summary(values)}
        for uid, values in by_area.items()
    ]
    rows.sort(key=lambda r: (r["title"] is None, (r["title"] or "").lower()))
    return {"overall": summary(overall), "by_area": rows}


def _open_panels(cases, withdrawn: dict, period: Period, now: datetime) -> dict:
    as_of = min(period.end_at, now)
    bands = {name: [] for name, _low, _high in AGE_BANDS}
    for case in cases:
        opened = case.panel_opened
        if opened is None or opened >= as_of:
            continue
        state = case.state
        if state == states.IN_DISCUSSION:
            still_open = True
        elif state in (states.CLOSED, states.ARCHIVED):
            still_open = case.closed is not None and case.closed >= as_of
        elif state == states.WITHDRAWN:
            ended = withdrawn.get(case.uid)
            still_open = ended is not None and ended >= as_of
        else:  # back to draft or submitted (more information asked for)
            still_open = False
        if not still_open:
            continue
        age = int(_days(opened, as_of))
        for name, low, high in AGE_BANDS:
            if age >= low and (high is None or age <= high):
                bands[name].append((age, case.case_id))
    return {
        # The day the ages are taken at: today, or the period's last day.
        "as_of": (now.date() if as_of == now else period.last_day).isoformat(),
        "total": sum(len(v) for v in bands.values()),
        "by_age": [
            {
                "age": name,
                "from_days": low,
                "to_days": high,
                "count": len(bands[name]),
                "case_ids": [cid for _age, cid in sorted(bands[name], reverse=True)],
            }
            for name, low, high in AGE_BANDS
        ],
    }


def centres_of_members() -> tuple[dict[str, list[str]], dict[str, str]]:
    """userid -> ids of their member centres; centre id -> its name.

    From the centres' groups (``hcp-<id>``): one group lookup per centre.
    """
    groups = api.portal.get_tool("portal_groups")
    catalog = api.portal.get_tool("portal_catalog")
    names, members = {}, {}
    for brain in catalog.unrestrictedSearchResults(portal_type="HealthcareProvider"):
        names[brain.getId] = brain.Title or brain.getId
        group = groups.getGroupById(f"hcp-{brain.getId}")
        if group is None:
            continue
        for userid in group.getGroupMemberIds():
            members.setdefault(userid, []).append(brain.getId)
    return members, names


def contributions(period: Period) -> dict:
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type="Contribution",
        created={
            "query": (DateTime(period.start_at), DateTime(period.end_at)),
            "range": "min:max",
        },
    )
    members, centre_names = centres_of_members()
    experts, centres = {}, {}
    total = 0
    for brain in brains:
        created = as_datetime(brain.created)
        if not period.contains(created):  # "min:max" includes the end
            continue
        total += 1
        userid = brain.Creator or ""
        case_path = brain.getPath().rsplit("/", 1)[0]
        expert = experts.setdefault(userid, {"contributions": 0, "cases": set()})
        expert["contributions"] += 1
        expert["cases"].add(case_path)
        for centre in members.get(userid) or [NO_CENTRE]:
            row = centres.setdefault(centre, {"contributions": 0, "experts": set()})
            row["contributions"] += 1
            row["experts"].add(userid)
    by_expert = [
        {
            "userid": userid,
            "name": fullname(userid),
            "centres": sorted(centre_names[c] for c in members.get(userid, [])),
            "contributions": row["contributions"],
            "cases": len(row["cases"]),
        }
        for userid, row in experts.items()
    ]
    by_expert.sort(key=lambda r: (-r["contributions"], r["name"].lower()))
    by_centre = [
        {
            "centre": None if centre == NO_CENTRE else centre,
            "title": centre_names.get(centre),
            "contributions": row["contributions"],
            "experts": len(row["experts"]),
        }
        for centre, row in centres.items()
    ]
    by_centre.sort(
        key=lambda r: (r["centre"] is None, -r["contributions"], r["title"] or "")
    )
    return {"total": total, "by_expert": by_expert, "by_centre": by_centre}


def kpis(period: Period, now: datetime | None = None) -> dict:
    """The KPIs of ``period`` as plain data (JSON as it is)."""
    now = now or datetime.now(UTC)
    cases = case_facts()
    withdrawn = {
        case.uid: _withdrawn_at(case.uid)
        for case in cases
        if case.state == states.WITHDRAWN
    }
    closed = [c for c in cases if c.state in (states.CLOSED, states.ARCHIVED)]
    counts = {
        "submitted": sum(1 for c in cases if period.contains(c.submitted)),
        "closed": sum(1 for c in closed if period.contains(c.closed)),
        "withdrawn": sum(1 for moment in withdrawn.values() if period.contains(moment)),
    }
    return {
        "period": period.as_dict(),
        "generated": now.isoformat(timespec="seconds"),
        "cases": counts,
        "time_to_panel": _durations(cases, "panel_opened", period),
        "time_to_closure": _durations(closed, "closed", period),
        "contributions": contributions(period),
        "open_panels": _open_panels(cases, withdrawn, period, now),
    }
