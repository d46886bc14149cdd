"""The dashboards read the catalog only, one batch of rows at a time: no case
or item is woken to list them (benchmarks/scale.py: My cases of a busy panel
lead, the coordinator dashboard with thousands of open panels)."""

import pytest
from DateTime import DateTime
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from Products.CMFCore.indexing import processQueue

from cpms.cases import states
from cpms.cases.case_id import create_case
from cpms.collaboration import dashboard
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_LEAD
from tests.collaboration.conftest import make_network
from tests.collaboration.conftest import make_user
from tests.helpers.wakeups import WakeUps
from tests.helpers.wakeups import ghosts


def _to(case, state, days_ago, actor="coord"):
    """The case in ``state`` since ``days_ago`` days, its history as the
    workflow writes it (the guards are tested elsewhere)."""
    wf_tool = api.portal.get_tool("portal_workflow")
    wf_tool.setStatusOf(
        states.CASE_WORKFLOW_ID,
        case,
        {
            "action": state,
            "review_state": state,
            "actor": actor,
            "comments": "",
            "time": DateTime() - days_ago,
        },
    )
    wf_tool.getWorkflowById(states.CASE_WORKFLOW_ID).updateRoleMappingsFor(case)
    case.reindexObject()
    case.reindexObjectSecurity()


def _network(portal):
    area, provider = make_network(portal)

    def make_case(portal, nickname, urgent=False):
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            case = create_case(
                portal["cases"],
                nickname=nickname,
                sex="female",
                year_of_birth=2015,
                referring_hcp=provider.UID(),
                referring_clinician="nobody",
                urgent=urgent,
                expertise_area=area.UID(),
                clinical_summary="Synthetic summary.",
                clinical_question="Synthetic question?",
            )
        case.manage_delLocalRoles([SITE_OWNER_NAME])
        return case

    made = {}
    for number in range(7):
        case = make_case(portal, f"Open {number}", urgent=number in (2, 5))
        case.manage_setLocalRoles("lead", [PANEL_LEAD])
        _to(case, states.SUBMITTED, 40)
        _to(case, states.IN_DISCUSSION, 30 - number)
        made[f"Open {number}"] = case
    for number in range(3):
        case = make_case(portal, f"Waiting {number}", urgent=number == 1)
        _to(case, states.SUBMITTED, 10)
    for number in range(2):
        case = make_case(portal, f"Closed {number}")
        _to(case, states.SUBMITTED, 20)
        _to(case, states.CLOSED, 10 - number)
    return made


@pytest.fixture
def network(portal):
    """Seven open panels led by ``lead`` (two urgent), three cases waiting
    for a panel, two closed."""
    make_user("lead")
    make_user("coord", roles=("Member", COORDINATOR))
    return _network(portal)


def test_coordinator_dashboard_batches_without_waking(portal, network, monkeypatch):
    ghosts(portal)
    wakeups = WakeUps(monkeypatch)
    with api.env.adopt_user(username="coord"):
        first = dashboard.coordinator(b_start=0, b_size=3)
        second = dashboard.coordinator(b_start=3, b_size=3, waiting_b_start=2)

    assert wakeups.content() == [], "the dashboard woke cases or items"
    # Urgent first, then the longest open first, across batches.
    names = [r["nickname"] for r in first["open_panels"] + second["open_panels"]]
    assert names == ["Open 2", "Open 5", "Open 0", "Open 1", "Open 3", "Open 4"]
    assert first["open_panels_total"] == second["open_panels_total"] == 7
    assert [r["nickname"] for r in first["waiting_for_panel"]] == [
        "Waiting 1",
        "Waiting 0",
        "Waiting 2",
    ]
    assert [r["nickname"] for r in second["waiting_for_panel"]] == ["Waiting 2"]
    assert first["waiting_for_panel_total"] == 3
    assert first["by_state"] == {"in_discussion": 7, "submitted": 3, "closed": 2}
    assert first["closed_count"] == 2
    assert first["median_days_to_closure"] == pytest.approx(10.5, abs=0.1)


def test_closure_median_follows_the_catalog(portal, network):
    with api.env.adopt_user(username="coord"):
        assert dashboard.coordinator()["closed_count"] == 2
        # A case closed since: the cached median is computed again.
        _to(network["Open 0"], states.CLOSED, 0)
        processQueue()
        assert dashboard.coordinator()["closed_count"] == 3


def test_my_cases_batches_without_waking(portal, network, monkeypatch):
    ghosts(portal)
    wakeups = WakeUps(monkeypatch)
    first = dashboard.my_cases("lead", b_start=0, b_size=4)
    rest = dashboard.my_cases("lead", b_start=4, b_size=4)

    assert wakeups.content() == [], "My cases woke cases or items"
    assert first["items_total"] == rest["items_total"] == 7
    assert first["by_state"] == {"in_discussion": 7}
    # Every open panel waits on its lead (no report, fewer than two
    # contributions): counted for all rows, not only the batch's.
    assert first["waiting_on_you"] == 7
    names = [r["nickname"] for r in first["items"] + rest["items"]]
    assert names[:2] == ["Open 5", "Open 2"]  # urgent first, newest first
    assert sorted(names) == [f"Open {n}" for n in range(7)]
    assert len(first["items"]) == 4 and len(rest["items"]) == 3


def test_batch_parameters():
    assert dashboard.batch_parameters({}, "b_start") == {"b_size": 50, "b_start": 0}
    assert dashboard.batch_parameters(
        {"b_size": "-1", "b_start": "0", "waiting_b_start": "20"},
        "b_start",
        "waiting_b_start",
    ) == {"b_size": None, "b_start": 0, "waiting_b_start": 20}
    for form, name in (
        ({"b_size": "0"}, "b_size"),
        ({"b_start": "-3"}, "b_start"),
        ({"waiting_b_start": "x"}, "waiting_b_start"),
    ):
        with pytest.raises(ValueError, match=name):
            dashboard.batch_parameters(form, "b_start", "waiting_b_start")
