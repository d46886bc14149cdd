"""The per-case facts behind the statistics come from the catalog alone.

``make_case`` (used by the other statistics tests) builds a case with a
given area, centre, state, urgency, codes and workflow dates, the dates
written into its workflow history as DCWorkflow writes them.
"""

from datetime import UTC
from datetime import datetime

from DateTime import DateTime
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles

from cpms.cases import states
from cpms.cases.case_id import create_case
from cpms.insights import facts


def make_network(portal):
    """Two areas and three centres in two countries."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    network = portal["network"]
    kidney = api.content.create(
        container=network, type="ExpertiseArea", id="kidney", title="Kidney"
    )
    bladder = api.content.create(
        container=network, type="ExpertiseArea", id="bladder", title="Bladder"
    )
    centres = {}
    for cid, country in (("vienna", "AT"), ("graz", "AT"), ("leiden", "NL")):
        centres[cid] = api.content.create(
            container=network,
            type="HealthcareProvider",
            id=cid,
            title=f"{cid.title()} Hospital",
            country=country,
            city=cid.title(),
            expertise_areas=[kidney.UID(), bladder.UID()],
        )
    return {"kidney": kidney, "bladder": bladder, **centres}


def _history(state, created, submitted, panel_opened, closed):
    entries = [
        {
            "action": None,
            "review_state": states.DRAFT,
            "actor": TEST_USER_ID,
            "comments": "",
            "time": DateTime(created),
        }
    ]
    steps = [
        (states.SUBMIT, states.SUBMITTED, submitted),
        (states.OPEN_PANEL, states.IN_DISCUSSION, panel_opened),
        (states.CLOSE, states.CLOSED, closed),
    ]
    for action, reached, when in steps:
        if when is not None:
            entries.append(
                {
                    "action": action,
                    "review_state": reached,
                    "actor": TEST_USER_ID,
                    "comments": "",
                    "time": DateTime(when),
                }
            )
    if entries[-1]["review_state"] != state:
        entries.append(
            {
                "action": "withdraw" if state == states.WITHDRAWN else "archive",
                "review_state": state,
                "actor": TEST_USER_ID,
                "comments": "",
                "time": DateTime(closed or panel_opened or submitted or created),
            }
        )
    return tuple(entries)


def make_case(
    portal,
    net,
    area="kidney",
    centre="vienna",
    state=states.DRAFT,
    urgent=False,
    orpha=(),
    icd10=(),
    created=datetime(2025, 3, 1, tzinfo=UTC),
    submitted=None,
    panel_opened=None,
    closed=None,
):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    case = create_case(
        portal["cases"],
        nickname="Statbird",
        sex="female",
        year_of_birth=2015,
        referring_hcp=net[centre].UID(),
        referring_clinician=TEST_USER_ID,
        urgent=urgent,
        expertise_area=net[area].UID(),
        clinical_summary="Summary for the statistics",
        clinical_question="Question for the statistics",
        orpha_codes=list(orpha),
        icd10_codes=list(icd10),
    )
    case.creation_date = DateTime(created)
    case.workflow_history = {
        states.CASE_WORKFLOW_ID: _history(
            state, created, submitted, panel_opened, closed
        )
    }
    workflow = api.portal.get_tool("portal_workflow").getWorkflowById(
        states.CASE_WORKFLOW_ID
    )
    workflow.updateRoleMappingsFor(case)
    case.reindexObject()
    case.reindexObjectSecurity()
    return case


def test_facts_of_a_case_come_from_its_catalog_record(portal):
    net = make_network(portal)
    case = make_case(
        portal,
        net,
        area="bladder",
        centre="leiden",
        state=states.CLOSED,
        urgent=True,
        orpha=("ORPHA:93110",),
        icd10=("q64.2",),
        created=datetime(2025, 12, 30, tzinfo=UTC),
        submitted=datetime(2026, 1, 2, tzinfo=UTC),
        panel_opened=datetime(2026, 1, 12, tzinfo=UTC),
        closed=datetime(2026, 2, 1, tzinfo=UTC),
    )
    make_case(portal, net)
    found = {f.uid: f for f in facts.case_facts()}
    assert len(found) == 2
    one = found[case.UID()]
    assert one.case_id == case.case_id
    assert (one.area, one.area_title) == (net["bladder"].UID(), "Bladder")
    assert one.country == "NL"
    assert one.state == states.CLOSED
    assert one.urgent is True
    # Submitted in 2026, created in 2025: the year is the submission's.
    assert one.year == 2026
    assert one.submitted == datetime(2026, 1, 2, tzinfo=UTC)
    assert one.panel_opened == datetime(2026, 1, 12, tzinfo=UTC)
    assert one.closed == datetime(2026, 2, 1, tzinfo=UTC)
    assert one.orpha_codes == ("ORPHA:93110",)
    assert one.icd10_codes == ("Q64.2",)
    draft = next(f for f in found.values() if f.uid != case.UID())
    assert (draft.state, draft.year, draft.submitted) == (states.DRAFT, 2025, None)
    assert draft.country == "AT"


def test_facts_wake_no_case(portal, monkeypatch):
    net = make_network(portal)
    make_case(portal, net)
    catalog = api.portal.get_tool("portal_catalog")
    brain_type = type(catalog.unrestrictedSearchResults(portal_type="Case")[0])

    def refuse(*args, **kwargs):
        raise AssertionError("a case was woken")

    monkeypatch.setattr(brain_type, "getObject", refuse, raising=False)
    monkeypatch.setattr(brain_type, "_unrestrictedGetObject", refuse, raising=False)
    assert len(facts.case_facts()) == 1
