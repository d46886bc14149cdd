"""The network's statistics: counts right on a small site, no count below
the threshold shown nor derivable, filters, durations."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from plone import api

from cpms.cases import states
from cpms.insights import facts
from cpms.insights import statistics
from tests.insights.test_statistics_facts import make_network

K = 5


# 20 cases: kidney 12, bladder 8; Austria 13 (Vienna 9, Graz 4), the
# Netherlands 7 (Leiden); closed 9, in discussion 6, submitted 3, draft 2;
# urgent 3; submitted in 2025 9, in 2026 11.
# count, area, centre, state, urgent, orpha, icd10, year, days to panel,
# days to closure (from submission)
SPECS = [
    # count, area, centre, state, urgent, orpha, icd10, year, to panel, to close
    (
        6,
        "kidney",
        "vienna",
        states.CLOSED,
        False,
        ("ORPHA:93110",),
        ("Q64.2",),
        2025,
        10,
        30,
    ),
    (
        3,
        "kidney",
        "vienna",
        states.IN_DISCUSSION,
        False,
        ("ORPHA:93930",),
        ("N13.7",),
        2025,
        20,
        None,
    ),
    (
        3,
        "kidney",
        "graz",
        states.CLOSED,
        False,
        ("ORPHA:93110",),
        ("Q64.2",),
        2026,
        12,
        40,
    ),
    (3, "bladder", "leiden", states.IN_DISCUSSION, True, (), (), 2026, 4, None),
    (
        2,
        "bladder",
        "leiden",
        states.SUBMITTED,
        False,
        ("ORPHA:2",),
        (),
        2026,
        None,
        None,
    ),
    (
        1,
        "bladder",
        "graz",
        states.SUBMITTED,
        False,
        ("ORPHA:93930",),
        ("N13.7",),
        2026,
        None,
        None,
    ),
    (2, "bladder", "leiden", states.DRAFT, False, (), (), 2026, None, None),
]


COUNTRY = {"vienna": "AT", "graz": "AT", "leiden": "NL"}


def facts_of(net):
    """SPECS as the facts ``case_facts`` reads from the catalog (that path:
    test_statistics_facts.py and the end-to-end test below)."""
    made = []
    for count, area, centre, state, urgent, orpha, icd10, year, panel, close in SPECS:
        for _ in range(count):
            created = datetime(year, 3, 1, tzinfo=UTC)
            submitted = created + timedelta(days=1) if state != states.DRAFT else None
            made.append(
                facts.CaseFacts(
                    uid=f"uid-{len(made)}",
                    case_id=f"ERN-{len(made)}",
                    area=net[area].UID(),
                    area_title=net[area].title,
                    country=COUNTRY[centre],
                    state=state,
                    urgent=urgent,
                    year=year,
                    created=created,
                    submitted=submitted,
                    panel_opened=submitted + timedelta(days=panel) if panel else None,
                    closed=submitted + timedelta(days=close) if close else None,
                    orpha_codes=orpha,
                    icd10_codes=icd10,
                )
            )
    return made


@pytest.fixture
def site(portal):
    net = make_network(portal)
    return net, facts_of(net)


def compute(site, form=None):
    return statistics.compute(statistics.parse(form or {}), facts=site[1])


def rows(result, table):
    return {r["key"]: r for r in result["tables"][table]["rows"]}


def counts(result, table):
    return {k: r["count"] for k, r in rows(result, table).items()}


def assert_safe(result):
    """No shown count below the threshold; hidden cells are two or more and
    add up to at least the threshold (the total minus what is shown)."""
    total = result["cases"]["count"]
    for name, table in result["tables"].items():
        shown = [r["count"] for r in table["rows"] if not r["suppressed"]]
        hidden = [r for r in table["rows"] if r["suppressed"]]
        assert all(n >= K for n in shown), (name, shown)
        assert all(r["count"] is None for r in hidden), name
        if name in ("area", "country", "state", "urgency", "year") and hidden:
            assert len(hidden) >= 2 or len(table["rows"]) == 1, name
            assert total is None or total - sum(shown) >= K, name
    for name, table in result["durations"].items():
        for row in table["rows"]:
            if row["suppressed"]:
                assert row["count"] is None and row["median_days"] is None, name
            else:
                assert row["count"] >= K, name


def test_counts_on_a_small_site(site):
    result = compute(site)
    assert result["threshold"] == K
    assert result["cases"] == {"count": 20, "suppressed": False}
    assert counts(result, "area") == {"kidney": 12, "bladder": 8}
    assert counts(result, "year") == {"2025": 9, "2026": 11}
    # AT 13, NL 7: both shown.
    assert counts(result, "country") == {"AT": 13, "NL": 7}
    assert rows(result, "country")["AT"]["label"] == "Austria"
    # closed 9, in discussion 6, submitted 3, draft 2: the two small ones
    # are hidden together (3 + 2 >= 5).
    assert counts(result, "state") == {
        states.CLOSED: 9,
        states.IN_DISCUSSION: 6,
        states.SUBMITTED: None,
        states.DRAFT: None,
    }
    assert rows(result, "state")[states.CLOSED]["label"] == "Closed"
    assert_safe(result)


def test_one_small_cell_hides_the_next_smallest_too(site):
    result = compute(site)
    # Urgent 3, not urgent 17: 20 - 17 would give the 3.
    assert counts(result, "urgency") == {"urgent": None, "not_urgent": None}
    assert all(r["suppressed"] for r in result["tables"]["urgency"]["rows"])
    assert_safe(result)


def test_diagnoses_by_chapter_and_disease_rare_ones_pooled(site):
    result = compute(site)
    # ICD-10: Q64.2 (chapter XVII) 9, N13.7 (XIV) 4, none 7: XIV is hidden,
    # and with it the next smallest (none, 7).
    chapters = rows(result, "icd10_chapter")
    assert chapters["XVII"]["count"] == 9
    assert chapters["XVII"]["label"].startswith("XVII Congenital malformations")
    assert chapters["XIV"]["suppressed"] and chapters["none"]["suppressed"]
    # ORPHA: 93110 9, none 5, 93930 4, ORPHA:2 2: the two small diseases go
    # into "Other diseases" (6), unnamed.
    orpha = counts(result, "orpha")
    assert orpha == {"ORPHA:93110": 9, "none": 5, "other": 6}
    labels = " ".join(r["label"] for r in result["tables"]["orpha"]["rows"])
    assert "93930" not in labels and "ORPHA:2" not in labels
    assert_safe(result)


def test_times_to_panel_and_closure(site):
    result = compute(site)
    panel = {r["key"]: r for r in result["durations"]["time_to_panel"]["rows"]}
    # 15 cases reached the panel: 6 x 10, 3 x 20, 3 x 12, 3 x 4 days.
    assert panel["all"]["count"] == 15
    assert panel["all"]["median_days"] == 10.0
    assert (panel["all"]["q1_days"], panel["all"]["q3_days"]) == (10.0, 12.0)
    # Bladder: 3 cases, below the threshold: no figures, and kidney's 12 is
    # hidden too (15 - 12 would give 3).
    assert panel["bladder"]["suppressed"] and panel["bladder"]["median_days"] is None
    assert panel["kidney"]["suppressed"] and panel["kidney"]["count"] is None
    assert panel["kidney"]["median_days"] is None
    closure = {r["key"]: r for r in result["durations"]["time_to_closure"]["rows"]}
    assert closure["all"]["count"] == 9
    assert closure["all"]["median_days"] == 30.0
    assert_safe(result)


def test_filters(site):
    net = site[0]
    result = compute(site, {"year": "2025"})
    assert result["cases"]["count"] == 9
    # Closed 6, in discussion 3: the 3 hidden, and the 6 with it.
    assert counts(result, "state") == {
        states.CLOSED: None,
        states.IN_DISCUSSION: None,
    }
    result = compute(site, {"area": "bladder"})
    assert result["filters"] == {"year": None, "area": "bladder"}
    assert counts(result, "area") == {"bladder": 8}
    assert result["cases"]["count"] == 8
    by_uid = compute(site, {"area": net["bladder"].UID()})
    assert by_uid["cases"]["count"] == 8
    # Fewer cases than the threshold: not even the total is shown.
    small = compute(site, {"year": "2026", "area": "kidney"})
    assert small["cases"] == {"count": None, "suppressed": True}
    assert_safe(small)


@pytest.mark.parametrize(
    "form,field",
    [
        ({"year": "twenty"}, "year"),
        ({"year": "1200"}, "year"),
        ({"area": "lungs"}, "area"),
    ],
)
def test_bad_filters_name_the_field(site, form, field):
    with pytest.raises(statistics.FilterError) as caught:
        statistics.parse(form)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_the_threshold_is_a_setting(site):
    api.portal.set_registry_record(statistics.THRESHOLD_RECORD, 10)
    result = compute(site)
    assert result["threshold"] == 10
    # 8 is below 10 now; 12 goes with it.
    assert counts(result, "area") == {"kidney": None, "bladder": None}


def test_csv_has_one_row_a_cell_and_hides_small_counts(site):
    text = statistics.as_csv(compute(site))
    lines = text.splitlines()
    assert lines[0] == "table,key,label,count"
    assert "cases,all,,20" in lines
    assert "state,submitted,Submitted,<5" in lines
    assert "urgency,urgent,Urgent,<5" in lines
    assert "area,kidney,Kidney,12" in lines
    assert "time_to_panel.median_days,all,All expertise areas,10.0" in lines
    for line in lines[1:]:
        value = line.rsplit(",", 1)[1]
        if value.isdigit() and not line.split(",")[0].endswith("_days"):
            assert int(value) >= K, line


@pytest.mark.parametrize(
    "cells,hidden",
    [
        ([10, 9, 8], set()),
        ([10, 9, 3], {1, 2}),  # one small: the next smallest goes too
        ([10, 2, 2], {0, 1, 2}),  # 2 + 2 < 5: the 10 goes too
        ([12, 6, 3, 2], {2, 3}),  # 3 + 2 >= 5
        ([1], {0}),
        ([30, 1, 1, 1, 1, 1], {1, 2, 3, 4, 5}),
    ],
)
def test_hidden_cells(cells, hidden):
    assert statistics.hidden_cells(cells, K) == hidden
