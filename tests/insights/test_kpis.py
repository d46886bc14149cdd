"""The network's KPIs for a period (cpms.insights.kpis, ``GET @kpis``).

A small network whose cases move through their states at known moments
(time-machine), and contributions posted at known moments by experts of
one centre, of two centres and of none; the figures are worked out by hand
below, for the first half of 2026 (``start=2026-01-01``, ``end=2026-07-01``).
"""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import time_machine
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.dexterity.utils import createContentInContainer

from cpms.cases import states
from cpms.insights import kpis
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import rest_session
from tests.collaboration.conftest import set_state

PASSWORD = "secret-pass-123"
PERIOD = {"start": "2026-01-01", "end": "2026-07-01"}


def at(day: str):
    return time_machine.travel(
        datetime.fromisoformat(day).replace(tzinfo=UTC), tick=False
    )


def _network(portal):
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        areas = {
            key: api.content.create(
                container=portal["network"],
                type="ExpertiseArea",
                id=key,
                title=title,
                workstream="Test",
            )
            for key, title in (("bladder", "Bladder anomalies"), ("bone", "Bone"))
        }
        centres = {
            key: api.content.create(
                container=portal["network"],
                type="HealthcareProvider",
                id=key,
                title=title,
                country="AT",
                city="Graz",
                expertise_areas=[a.UID() for a in areas.values()],
            )
            for key, title in (("graz", "Graz Hospital"), ("leiden", "Leiden Hospital"))
        }
        for key in centres:
            api.group.create(groupname=f"hcp-{key}")
    return areas, centres


def _case(portal, area, centre, nickname, moves):
    """A case created on the first move's day, then moved at each (day, state)."""
    from cpms.cases.case_id import create_case

    first_day = moves[0][0]
    with at(first_day), api.env.adopt_user(username=SITE_OWNER_NAME):
        case = create_case(
            portal["cases"],
            nickname=nickname,
            sex="female",
            year_of_birth=2015,
            referring_hcp=centre.UID(),
            referring_clinician="nobody",
            urgent=False,
            expertise_area=area.UID(),
            clinical_summary="Synthetic summary.",
            clinical_question="Synthetic question.",
        )
    for day, state in moves:
        with at(day):
            set_state(case, state)
    return case


def _contribution(case, userid, day):
    # Into a case in any state (some are closed by now): no add checks.
    with at(day), api.env.adopt_user(username=SITE_OWNER_NAME):
        item = createContentInContainer(
            case,
            "Contribution",
            checkConstraints=False,
            title="Opinion",
            text="Synthetic advice.",
        )
        item.setCreators([userid])
        item.reindexObject()
    return item


def build(portal) -> dict:
    """The network of the module's docstring; its cases by number."""
    areas, centres = _network(portal)
    bladder, bone = areas["bladder"], areas["bone"]
    graz = centres["graz"]
    S, P, C, W = (
        states.SUBMITTED,
        states.IN_DISCUSSION,
        states.CLOSED,
        states.WITHDRAWN,
    )
    plan = {
        1: (bladder, [("2026-01-10", S), ("2026-01-14", P), ("2026-02-09", C)]),
        2: (bladder, [("2026-02-01", S), ("2026-02-11", P), ("2026-03-13", C)]),
        3: (bone, [("2026-03-01", S), ("2026-03-03", P)]),
        4: (bone, [("2026-06-01", S), ("2026-06-25", P)]),
        5: (bladder, [("2026-04-01", S), ("2026-04-10", W)]),
        6: (bone, [("2025-12-20", S), ("2025-12-22", P), ("2026-01-20", C)]),
        7: (bladder, [("2026-07-05", S)]),
        8: (bladder, [("2026-04-28", S), ("2026-05-01", P), ("2026-08-01", C)]),
        9: (bone, [("2025-12-01", S), ("2025-12-15", P), ("2026-08-01", W)]),
    }
    cases = {
        number: _case(portal, area, graz, f"Case {number}", moves)
        for number, (area, moves) in plan.items()
    }
    make_user("expert_one", fullname="Ada Expert")
    make_user("expert_two", fullname="Ben Expert")
    make_user("outsider", fullname="Cleo Outsider")
    api.group.add_user(groupname="hcp-graz", username="expert_one")
    api.group.add_user(groupname="hcp-graz", username="expert_two")
    api.group.add_user(groupname="hcp-leiden", username="expert_two")
    _contribution(cases[1], "expert_one", "2026-01-20")
    _contribution(cases[1], "expert_one", "2026-01-25")
    _contribution(cases[3], "expert_one", "2026-03-10")
    _contribution(cases[3], "expert_two", "2026-03-12")
    _contribution(cases[6], "expert_two", "2025-12-28")  # before the period
    _contribution(cases[4], "outsider", "2026-06-28")
    _contribution(cases[4], "expert_one", "2026-07-02")  # after it
    return {n: case.case_id for n, case in cases.items()}


@pytest.fixture
def site(integration):
    portal = integration["portal"]
    return portal, build(portal)


def _figures(period=PERIOD):
    return kpis.kpis(kpis.parse_period(period), now=datetime(2026, 11, 30, tzinfo=UTC))


def test_cases_submitted_closed_withdrawn_in_the_period(site):
    data = _figures()
    assert data["period"] == {
        "start": "2026-01-01",
        "end": "2026-07-01",
        "last_day": "2026-06-30",
    }
    # Submitted: 1, 2, 3, 4, 5, 8 (6 and 9 before, 7 after); closed: 1, 2, 6
    # (8 after); withdrawn: 5 (9 after).
    assert data["cases"] == {"submitted": 6, "closed": 3, "withdrawn": 1}


def test_time_to_panel_median_and_quartiles(site):
    figures = _figures()["time_to_panel"]
    # Panels opened in the period: 1 (4 days), 2 (10), 3 (2), 4 (24), 8 (3).
    assert figures["overall"] == {"count": 5, "median": 4.0, "q1": 3.0, "q3": 10.0}
    by_area = {row["title"]: row for row in figures["by_area"]}
    assert set(by_area) == {"Bladder anomalies", "Bone"}
    assert by_area["Bladder anomalies"] | {"area": None} == {
        "area": None,
        "title": "Bladder anomalies",
        "count": 3,
        "median": 4.0,
        "q1": 3.5,
        "q3": 7.0,
    }
    assert (
        by_area["Bone"]["median"],
        by_area["Bone"]["q1"],
        by_area["Bone"]["q3"],
    ) == (
        13.0,
        7.5,
        18.5,
    )


def test_time_to_closure_per_area(site):
    figures = _figures()["time_to_closure"]
    # Closed in the period: 1 (30 days), 2 (40), 6 (31).
    assert figures["overall"] == {"count": 3, "median": 31.0, "q1": 30.5, "q3": 35.5}
    by_area = {row["title"]: row for row in figures["by_area"]}
    assert by_area["Bladder anomalies"]["median"] == 35.0
    assert by_area["Bone"] | {"area": None} == {
        "area": None,
        "title": "Bone",
        "count": 1,
        "median": 31.0,
        "q1": 31.0,
        "q3": 31.0,
    }


def test_open_panels_by_age_at_the_end_of_the_period(site):
    ids = site[1]
    panels = _figures()["open_panels"]
    assert panels["as_of"] == "2026-06-30"
    bands = {band["age"]: band for band in panels["by_age"]}
    # 4 opened 6 days before the end; 8 61 days (closed later); 3 120 days;
    # 9 198 days (withdrawn later). 1, 2 and 6 had closed by then.
    assert [(b["age"], b["count"]) for b in panels["by_age"]] == [
        ("0-7", 1),
        ("8-30", 0),
        ("31-90", 1),
        (">90", 2),
    ]
    assert bands["0-7"]["case_ids"] == [ids[4]]
    assert bands["31-90"]["case_ids"] == [ids[8]]
    assert bands[">90"]["case_ids"] == [ids[9], ids[3]]  # oldest first
    assert panels["total"] == 4


def test_open_panels_today_when_the_period_has_not_ended(site):
    ids = site[1]
    data = kpis.kpis(
        kpis.Period(date(2026, 1, 1), date(2027, 1, 1)),
        now=datetime(2026, 9, 1, tzinfo=UTC),
    )
    panels = data["open_panels"]
    assert panels["as_of"] == "2026-09-01"
    # On 1 September only 3 and 4 are still open (8 closed, 9 withdrawn).
    found = {cid for band in panels["by_age"] for cid in band["case_ids"]}
    assert found == {ids[3], ids[4]}


def test_contributions_per_expert_and_per_centre(site):
    contributions = _figures()["contributions"]
    assert contributions["total"] == 5
    assert [
        (r["userid"], r["name"], r["contributions"], r["cases"], r["centres"])
        for r in contributions["by_expert"]
    ] == [
        ("expert_one", "Ada Expert", 3, 2, ["Graz Hospital"]),
        ("expert_two", "Ben Expert", 1, 1, ["Graz Hospital", "Leiden Hospital"]),
        ("outsider", "Cleo Outsider", 1, 1, []),
    ]
    assert [
        (r["centre"], r["title"], r["contributions"], r["experts"])
        for r in contributions["by_centre"]
    ] == [
        ("graz", "Graz Hospital", 4, 2),
        ("leiden", "Leiden Hospital", 1, 1),
        (None, None, 1, 1),  # an expert of no member centre
    ]


def test_no_patient_data_in_the_figures(site):
    text = repr(_figures())
    for words in ("Case 1", "Synthetic", "female", "2015", "nobody"):
        assert words not in text


@pytest.mark.parametrize(
    "query, field",
    [
        ({"start": "2026-13-01", "end": "2026-07-01"}, "start"),
        ({"start": "2026-01-01", "end": "July"}, "end"),
        ({"start": "2026-07-01", "end": "2026-01-01"}, "end"),
        ({"start": "2026-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "2016-01-01", "end": "2026-07-01"}, "end"),
    ],
)
def test_bad_periods_name_the_field(query, field):
    with pytest.raises(kpis.PeriodError) as raised:
        kpis.parse_period(query)
    assert raised.value.field == field


def test_the_default_period_is_the_last_twelve_months():
    period = kpis.parse_period({}, today=date(2026, 11, 30))
    assert (period.start, period.end) == (date(2025, 12, 1), date(2026, 12, 1))
    # One end given: twelve months from or to it.
    period = kpis.parse_period({"start": "2026-02-28"})
    assert period.end == date(2027, 2, 28)
    period = kpis.parse_period({"end": "2024-02-29"})
    assert period.start == date(2023, 2, 28)


# REST


@pytest.fixture
def rest_site(functional):
    portal = functional["portal"]
    ids = build(portal)
    make_user("coordinator_k", roles=("Member", "Coordinator"))
    make_user("clinician_k")
    transaction.commit()
    sessions = []

    def session(user=None):
        s = rest_session(portal, user, PASSWORD) if user else rest_session(portal)
        if user is None:
            s.auth = None
        sessions.append(s)
        return s

    yield portal, ids, session
    for s in sessions:
        s.close()


def test_rest_kpis_for_a_coordinator(rest_site):
    portal, ids, session = rest_site
    response = session("coordinator_k").get("@kpis", params=PERIOD)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["@id"] == (
        f"{portal.absolute_url()}/@kpis?start=2026-01-01&end=2026-07-01"
    )
    assert data["cases"] == {"submitted": 6, "closed": 3, "withdrawn": 1}
    assert data["time_to_panel"]["overall"]["median"] == 4.0
    assert data["time_to_closure"]["overall"]["median"] == 31.0
    assert data["contributions"]["total"] == 5
    assert "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"start": "2026-01-01", "end": "2026-02-30"},
            "end: '2026-02-30' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-30.",
        ),
        (
            {"start": "2026-07-01", "end": "2026-01-01"},
            "end: the period ends before it starts: give an end after 2026-07-01 "
            "(the end day is not included).",
        ),
        (
            {"start": "2020-01-01", "end": "2026-01-02"},
            "end: the period is longer than 5 years: choose a shorter one.",
        ),
    ],
)
def test_rest_kpis_400_names_the_field(rest_site, query, message):
    _portal, _ids, session = rest_site
    response = session("coordinator_k").get("@kpis", params=query)
    assert response.status_code == 400
    answer = response.json()
    assert (answer["type"], answer["message"]) == ("BadRequest", message)


def test_rest_kpis_refused_to_a_clinician_and_to_anonymous(rest_site):
    _portal, _ids, session = rest_site
    assert session("clinician_k").get("@kpis").status_code in (401, 403)
    assert session(None).get("@kpis").status_code in (401, 403)
    for name in ("@activity-report", "@@activity-report", "@@activity-report.csv"):
        assert session("clinician_k").get(name).status_code in (401, 403), name


def test_only_withdrawn_cases_are_woken_up(site, monkeypatch):
    """Everything else comes from catalog records: a case's record has no
    withdrawal date, so the two withdrawn cases (5 and 9) are read."""
    from Products.CMFCore.indexing import processQueue
    from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain

    processQueue()  # the building's own reindexing, not the figures'
    woken = []
    for name in ("getObject", "_unrestrictedGetObject"):
        original = getattr(AbstractCatalogBrain, name)

        def counting(brain, *args, _original=original, **kwargs):
            woken.append(brain.getPath())
            return _original(brain, *args, **kwargs)

        monkeypatch.setattr(AbstractCatalogBrain, name, counting)
    _figures()
    ids = site[1]
    assert sorted(path.rsplit("/", 1)[1] for path in woken) == sorted(
        [ids[5].lower(), ids[9].lower()]
    )
