"""The workflows' XML is what the slices' tables give, and Plone reads it so.

Every workflow is authored as a Python table (``<slice>/workflow_definitions``)
and rendered by ``make workflows``; editing a table without regenerating, or
editing the XML by hand, fails here.
"""

import dataclasses

import pytest
from plone import api

from cpms import workflows
from cpms.cases.workflow_definitions import CASE_WORKFLOW
from cpms.core.workflows import ACQUIRED
from cpms.core.workflows import WorkflowTableError
from cpms.core.workflows import render

GENERATED = workflows.definitions()
TABLES = {wf.id: wf for module in workflows.MODULES for wf in module.WORKFLOWS}


@pytest.mark.parametrize("workflow_id", sorted(GENERATED))
def test_committed_xml_is_generated(workflow_id):
    committed = workflows.path_of(workflow_id).read_text()
    assert committed == GENERATED[workflow_id], (
        f"{workflow_id}: definition.xml differs from its table; run `make workflows`"
    )


def test_every_portal_workflow_is_authored_as_a_table(integration):
    tool = api.portal.get_tool("portal_workflow")
    in_profile = {i for i in tool.objectIds() if i.startswith("cpms_")}
    on_disk = {p.parent.name for p in workflows.WORKFLOWS_DIR.glob("*/definition.xml")}
    assert in_profile == on_disk == set(GENERATED)
    assert len(GENERATED) == 7


def test_a_state_must_say_every_managed_permission():
    draft = CASE_WORKFLOW.states[0]
    unsaid = dict(draft.permissions)
    del unsaid["View"]
    broken = dataclasses.replace(
        CASE_WORKFLOW,
        states=(
            dataclasses.replace(draft, permissions=unsaid),
            *CASE_WORKFLOW.states[1:],
        ),
    )
    with pytest.raises(WorkflowTableError, match="draft: says nothing of View"):
        render(broken, source="test")


def test_an_exit_must_be_a_transition():
    draft = CASE_WORKFLOW.states[0]
    broken = dataclasses.replace(
        CASE_WORKFLOW,
        states=(
            dataclasses.replace(draft, exits=("publish",)),
            *CASE_WORKFLOW.states[1:],
        ),
    )
    with pytest.raises(WorkflowTableError, match="exit 'publish' is not a transition"):
        render(broken, source="test")


def test_a_transition_must_lead_to_a_state():
    submit = CASE_WORKFLOW.transitions[0]
    broken = dataclasses.replace(
        CASE_WORKFLOW,
        transitions=(
            dataclasses.replace(submit, new_state="sent"),
            *CASE_WORKFLOW.transitions[1:],
        ),
    )
    with pytest.raises(WorkflowTableError, match="new state 'sent' is not a state"):
        render(broken, source="test")


@pytest.mark.parametrize("workflow_id", sorted(TABLES))
def test_installed_workflow_is_the_table(integration, workflow_id):
    """What GenericSetup imported: same states, exits, guards and roles."""
    table = TABLES[workflow_id]
    installed = api.portal.get_tool("portal_workflow")[workflow_id]
    assert installed.initial_state == table.initial_state
    assert list(installed.states.objectIds()) == [s.id for s in table.states]
    assert sorted(installed.transitions.objectIds()) == sorted(
        t.id for t in table.transitions
    )
    for state in table.states:
        got = installed.states[state.id]
        assert list(got.transitions) == list(state.exits), state.id
        for permission, roles in state.permissions.items():
            held = got.permission_roles[permission]
            if roles is ACQUIRED:
                assert isinstance(held, list) and not held, (state.id, permission)
            else:
                assert isinstance(held, tuple), (state.id, permission)
                assert sorted(held) == sorted(roles), (state.id, permission)
    for transition in table.transitions:
        got = installed.transitions[transition.id]
        assert got.new_state_id == transition.new_state
        assert got.guard.permissions == (transition.guard_permission,)
