"""My cases of a panel lead with hundreds of cases: the first page reads the
records of its own rows only and wakes no case or item, whatever the number
of cases; the order and the counts are those a user checks against the
cases themselves (urgent first, then what waits on them, then by state,
newest first)."""

from datetime import timedelta

import pytest
from DateTime import DateTime
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.dexterity.utils import createContentInContainer
from Products.CMFCore.indexing import processQueue
from Products.ZCatalog.Catalog import Catalog

from cpms.cases import states
from cpms.cases.case_id import create_case
from cpms.collaboration import dashboard
from cpms.collaboration import panel
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.identity import guests
from cpms.upgrades.v20261202038 import INDEX
from cpms.upgrades.v20261202038 import upgrade
from tests.collaboration.conftest import make_network
from tests.collaboration.conftest import make_user
from tests.helpers.wakeups import WakeUps
from tests.helpers.wakeups import ghosts

CASES = 300
STATES = (
    states.DRAFT,
    states.SUBMITTED,
    states.IN_DISCUSSION,
    states.IN_DISCUSSION,
    states.CLOSED,
)
ORDER = (states.DRAFT, states.SUBMITTED, states.IN_DISCUSSION, states.CLOSED)


def _set_state(case, state, created):
    wf_tool = api.portal.get_tool("portal_workflow")
    for step in ORDER[1 : ORDER.index(state) + 1]:
        wf_tool.setStatusOf(
            states.CASE_WORKFLOW_ID,
            case,
            {
                "action": step,
                "review_state": step,
                "actor": "coord",
                "comments": "",
                "time": created + 1,
            },
        )
    wf_tool.getWorkflowById(states.CASE_WORKFLOW_ID).updateRoleMappingsFor(case)


def _plan(number):
    """The lead's role, the state and urgency of case ``number``, and whether
    the lead contributed to it; its creation an hour apart from the next, in
    an order unrelated to the numbers."""
    state = STATES[number % len(STATES)]
    roles = (PANEL_LEAD, PANEL_MEMBER, OWNER, PANEL_LEAD, GUEST_CLINICIAN)
    role = roles[(number // 2) % len(roles)]
    if state == states.DRAFT and role != OWNER:
        role = OWNER if number % 2 else PANEL_MEMBER
    return {
        "state": state,
        "role": role,
        "urgent": number % 7 == 0,
        "contributed": number % 4 == 0,
        "hours_ago": (number * 37) % CASES,
    }


def _waits(plan) -> bool:
    """What waits on the lead, as they would tell from the case."""
    if plan["state"] == states.DRAFT:
        return plan["role"] == OWNER
    if plan["state"] == states.IN_DISCUSSION:
        return plan["role"] == PANEL_LEAD or not plan["contributed"]
    return False


@pytest.fixture
def busy_lead(portal):
    """``lead`` on 300 cases, by every kind of role (a guest grant among
    them), a few contributed to; ``other`` leads one case of their own."""
    make_user("lead")
    make_user("other")
    make_user("coord")
    area, provider = make_network(portal)
    now = DateTime()
    plans = {}
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        for number in range(CASES + 1):
            plan = _plan(number) if number < CASES else None
            case = create_case(
                portal["cases"],
                nickname=f"Case {number}",
                sex="female",
                year_of_birth=2015,
                referring_hcp=provider.UID(),
                referring_clinician="nobody",
                urgent=bool(plan and plan["urgent"]),
                expertise_area=area.UID(),
                clinical_summary="Synthetic summary.",
                clinical_question="Synthetic question?",
            )
            case.manage_delLocalRoles([SITE_OWNER_NAME])
            if plan is None:
                case.manage_setLocalRoles("other", [PANEL_LEAD])
                _set_state(case, states.IN_DISCUSSION, now - 2)
                case.reindexObject()
                case.reindexObjectSecurity()
                continue
            created = now - (plan["hours_ago"] + 1) / 24
            case.creation_date = created
            _set_state(case, plan["state"], created)
            if plan["role"] == GUEST_CLINICIAN:
                case.manage_setLocalRoles("other", [PANEL_LEAD])
                guests.grant_guest_access(
                    case, "lead", guests.now() + timedelta(days=30)
                )
            else:
                case.manage_setLocalRoles("lead", [plan["role"]])
            case.reindexObject()
            case.reindexObjectSecurity()
            if plan["contributed"] and plan["state"] == states.IN_DISCUSSION:
                with api.env.adopt_user(username="lead"):
                    createContentInContainer(
                        case, "Contribution", checkConstraints=False, text="An opinion."
                    )
            plans[case.absolute_url()] = plan
    return plans


def _expected(plans):
    rank = {state: i for i, state in enumerate(dashboard.STATE_ORDER)}
    return [
        url
        for url, _plan in sorted(
            plans.items(),
            key=lambda item: (
                not item[1]["urgent"],
                not _waits(item[1]),
                rank[item[1]["state"]],
                item[1]["hours_ago"],
            ),
        )
    ]


@pytest.fixture
def records_read(monkeypatch):
    """The catalog records (metadata) read, by portal type."""
    read = []
    original = Catalog.instantiate

    def instantiate(self, data, score_data=None):
        brain = original(self, data, score_data)
        read.append(brain.portal_type)
        return brain

    monkeypatch.setattr(Catalog, "instantiate", instantiate)
    return read


def test_first_page_reads_only_its_rows(portal, busy_lead, monkeypatch, records_read):
    ghosts(portal)
    records_read.clear()
    wakeups = WakeUps(monkeypatch)

    page = dashboard.my_cases("lead", b_start=0, b_size=20)

    assert wakeups.content() == [], "My cases woke cases or items"
    assert records_read.count("Case") == 20, "My cases read records of other rows"
    # The rows' items (contributions, reports) are read for the open panels
    # shown, nothing else.
    assert len(records_read) <= 40
    assert [row["@id"] for row in page["items"]] == _expected(busy_lead)[:20]
    assert page["items_total"] == CASES


def test_order_and_counts_are_those_of_the_cases(portal, busy_lead):
    expected = _expected(busy_lead)
    shown, start = [], 0
    while start < CASES + 10:
        page = dashboard.my_cases("lead", b_start=start, b_size=45)
        shown += page["items"]
        start += 45
    assert [row["@id"] for row in shown] == expected
    assert page["items_total"] == CASES
    waiting = [url for url, plan in busy_lead.items() if _waits(plan)]
    assert page["waiting_on_you"] == len(waiting)
    by_state = {}
    for plan in busy_lead.values():
        by_state[plan["state"]] = by_state.get(plan["state"], 0) + 1
    assert page["by_state"] == by_state
    # Each row says what waits on the lead exactly when it is counted so.
    assert {row["@id"] for row in shown if row["waiting_on_you"]} == set(waiting)
    everything = dashboard.my_cases("lead")
    assert [row["@id"] for row in everything["items"]] == expected
    # A case the lead holds no role on is not theirs.
    assert not [row for row in shown if row["nickname"] == f"Case {CASES}"]


def test_waiting_follows_contributions_roles_and_states(portal, busy_lead):
    def waiting_on_lead(case):
        rows = dashboard.my_cases("lead")["items"]
        return "".join(
            r["waiting_on_you"] for r in rows if r["@id"] == case.absolute_url()
        )

    url = next(
        u
        for u, p in busy_lead.items()
        if p["role"] == PANEL_MEMBER
        and p["state"] == states.IN_DISCUSSION
        and not p["contributed"]
    )
    case = portal.unrestrictedTraverse(url[len(portal.absolute_url()) + 1 :])
    before = dashboard.my_cases("lead")["waiting_on_you"]
    assert waiting_on_lead(case)
    with api.env.adopt_user(username="lead"):
        contribution = createContentInContainer(
            case, "Contribution", checkConstraints=False, text="An opinion."
        )
    assert not waiting_on_lead(case)
    assert dashboard.my_cases("lead")["waiting_on_you"] == before - 1
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=contribution)
    assert waiting_on_lead(case)
    # Made lead of the case: it waits on them whatever they wrote.
    case.manage_setLocalRoles("lead", [PANEL_LEAD])
    panel.reindex(case)
    assert waiting_on_lead(case) == dashboard.waiting_on(
        states.IN_DISCUSSION, "lead", {PANEL_LEAD}, dashboard.ItemFacts()
    )
    # Withdrawn (and so out of the panel's sight): nothing waits on anyone.
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=case, transition=states.WITHDRAW)
    assert not waiting_on_lead(case)
    assert dashboard.my_cases("lead")["waiting_on_you"] == before - 1


def test_upgrade_fills_the_index_as_the_indexer_does(portal, busy_lead):
    catalog = api.portal.get_tool("portal_catalog")
    processQueue()  # the cases as the portal indexed them
    index = catalog._catalog.getIndex(INDEX)
    made = {rid: tuple(sorted(v)) for rid, v in index._unindex.items()}
    assert made, "the indexer filled nothing"
    # A site made before the index.
    catalog.delIndex(INDEX)

    upgrade(api.portal.get_tool("portal_setup"))

    index = catalog._catalog.getIndex(INDEX)
    assert index.meta_type == "KeywordIndex"
    assert {rid: tuple(sorted(v)) for rid, v in index._unindex.items()} == made
    # Run twice: nothing changes.
    upgrade(api.portal.get_tool("portal_setup"))
    found = catalog.unrestrictedSearchResults(case_waiting_on="lead")
    assert len(found) == len([p for p in busy_lead.values() if _waits(p)])
