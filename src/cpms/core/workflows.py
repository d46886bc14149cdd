"""Workflows authored as Python tables, rendered to GenericSetup's XML.

Each slice declares its DCWorkflows in its ``workflow_definitions`` module
with the classes below and the role, permission and state constants;
``make workflows`` (``python -m cpms.workflows``) writes them to
profiles/default/workflows/<id>/definition.xml, and a test fails when the
committed XML is not what the tables give. So a workflow is read, reviewed
and changed in one place, in the names the code uses, and the XML is never
edited by hand.

A table is checked while it renders: every state states every permission the
workflow manages (``ACQUIRED`` to leave one to the container), and every
transition, exit and initial state names something that exists.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

from cpms.core import permissions

# A permission a state leaves to the container (acquired, no roles of its own).
ACQUIRED = None
# A permission nobody holds in a state.
NOBODY = ()

# Where a transition's action points unless the workflow says otherwise:
# Plone's own form, as in Plone's workflows.
CONTENT_STATUS_MODIFY = (
    "%(content_url)s/content_status_modify?workflow_action={transition}"
)


@dataclass(frozen=True)
class State:
    id: str
    title: str
    description: str
    # Transitions that leave the state, in the order the menu shows them.
    exits: tuple[str, ...]
    # permission -> roles holding it (NOBODY), or ACQUIRED.
    permissions: Mapping[str, tuple[str, ...] | None]


@dataclass(frozen=True)
class Transition:
    id: str
    title: str
    description: str
    new_state: str
    guard_permission: str


@dataclass(frozen=True)
class Variable:
    id: str
    description: str
    expression: str
    for_status: bool = True
    update_always: bool = True
    guard_permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Worklist:
    id: str
    description: str
    action_title: str
    action_url: str
    guard_permission: str
    # catalog index -> values the worklist's items match
    match: Mapping[str, tuple[str, ...]]


def status_variables(
    history_guard=(permissions.VIEW,),
    history_expression="state_change/getHistory",
    history_update_always=False,
):
    """Plone's usual workflow variables: action, actor, comments, time and
    review_history (who may read the history, comments included, is the
    workflow's choice)."""
    return (
        Variable("action", "Previous transition", "transition/getId|nothing"),
        Variable(
            "actor",
            "The ID of the user who performed the previous transition",
            "user/getId",
        ),
        Variable(
            "comments",
            "Comment about the last transition",
            "python:state_change.kwargs.get('comment', '')",
        ),
        Variable(
            "time",
            "When the previous transition was performed",
            "state_change/getDateTime",
        ),
        Variable(
            "review_history",
            "Provides access to workflow history",
            history_expression,
            for_status=False,
            update_always=history_update_always,
            guard_permissions=tuple(history_guard),
        ),
    )


@dataclass(frozen=True)
class Workflow:
    id: str
    title: str
    description: str
    initial_state: str
    # The permissions the workflow manages, in the order the XML lists them.
    permissions: tuple[str, ...]
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    variables: tuple[Variable, ...] = field(default_factory=status_variables)
    worklists: tuple[Worklist, ...] = ()
    # A transition's action URL; ``{transition}`` is its id.
    action_url: str = CONTENT_STATUS_MODIFY
    # Said at the top of the XML, after where it comes from.
    comment: str = ""


class WorkflowTableError(ValueError):
    """A workflow table names something that does not exist, or leaves a
    permission unsaid in a state."""


def check(workflow):
    """Raise WorkflowTableError unless ``workflow`` is complete and consistent."""
    state_ids = [s.id for s in workflow.states]
    transition_ids = [t.id for t in workflow.transitions]
    problems = []
    for kind, ids in (("state", state_ids), ("transition", transition_ids)):
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            problems.append(f"{kind}s defined twice: {', '.join(doubles)}")
    if workflow.initial_state not in state_ids:
        problems.append(f"initial state {workflow.initial_state!r} is not a state")
    managed = set(workflow.permissions)
    for state in workflow.states:
        for exit_id in state.exits:
            if exit_id not in transition_ids:
                problems.append(f"{state.id}: exit {exit_id!r} is not a transition")
        unsaid = [p for p in workflow.permissions if p not in state.permissions]
        if unsaid:
            problems.append(f"{state.id}: says nothing of {', '.join(unsaid)}")
        unmanaged = sorted(set(state.permissions) - managed)
        if unmanaged:
            problems.append(
                f"{state.id}: maps permissions the workflow does not manage: "
                f"{', '.join(unmanaged)}"
            )
    for transition in workflow.transitions:
        if transition.new_state not in state_ids:
            problems.append(
                f"{transition.id}: new state {transition.new_state!r} is not a state"
            )
    if problems:
        raise WorkflowTableError(f"{workflow.id}: " + "; ".join(problems))


def _comment(text):
    # "--" may not appear inside an XML comment.
    return " ".join(text.replace("--", "-").split())


def _permission_map(name, roles):
    acquired = roles is ACQUIRED
    lines = [
        f"    <permission-map acquired={quoteattr(str(acquired))} "
        f"name={quoteattr(name)}>"
    ]
    lines += [
        f"      <permission-role>{escape(r)}</permission-role>" for r in roles or ()
    ]
    lines.append("    </permission-map>")
    return lines


def _description(text):
    return f'    <description i18n:translate="">{escape(text)}</description>'


def _guard(permission_names, indent):
    if not permission_names:
        return [f"{indent}<guard>", f"{indent}</guard>"]
    return [
        f"{indent}<guard>",
        *(
            f"{indent}  <guard-permission>{escape(p)}</guard-permission>"
            for p in permission_names
        ),
        f"{indent}</guard>",
    ]


def _variable(variable):
    return [
        '  <variable for_catalog="False" '
        f"for_status={quoteattr(str(variable.for_status))} "
        f"update_always={quoteattr(str(variable.update_always))} "
        f"variable_id={quoteattr(variable.id)}>",
        f"    <description>{escape(variable.description)}</description>",
        "    <default>",
        f"      <expression>{escape(variable.expression)}</expression>",
        "    </default>",
        *_guard(variable.guard_permissions, "    "),
        "  </variable>",
    ]


def _worklist(worklist):
    out = [
        f'  <worklist title="" worklist_id={quoteattr(worklist.id)}>',
        f"    <description>{escape(worklist.description)}</description>",
        f'    <action category="global" url={quoteattr(worklist.action_url)}>'
        f"{escape(worklist.action_title)}</action>",
        *_guard((worklist.guard_permission,), "    "),
    ]
    out += [
        f"    <match name={quoteattr(name)} values={quoteattr('; '.join(values))} />"
        for name, values in worklist.match.items()
    ]
    out.append("  </worklist>")
    return out


def render(workflow, source):
    """The GenericSetup definition.xml of ``workflow``; ``source`` names the
    module that declares it (said in the file, so readers know where to edit)."""
    check(workflow)
    header = f"Generated from {source} by `make workflows`: edit the tables there."
    if workflow.comment:
        header += " " + workflow.comment
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<!-- {_comment(header)} -->",
        '<dc-workflow xmlns:i18n="http://xml.zope.org/namespaces/i18n"',
        f"             description={quoteattr(workflow.description)}",
        f"             initial_state={quoteattr(workflow.initial_state)}",
        '             state_variable="review_state"',
        f"             title={quoteattr(workflow.title)}",
        f"             workflow_id={quoteattr(workflow.id)}",
        '             i18n:attributes="title; description"',
        '             i18n:domain="cpms"',
        ">",
        "",
    ]
    out += [f"  <permission>{escape(p)}</permission>" for p in workflow.permissions]
    for state in workflow.states:
        out += [
            "",
            f"  <state state_id={quoteattr(state.id)} title={quoteattr(state.title)} "
            'i18n:attributes="title">',
            _description(state.description),
        ]
        out += [
            f"    <exit-transition transition_id={quoteattr(t)} />" for t in state.exits
        ]
        for name in workflow.permissions:
            out += _permission_map(name, state.permissions[name])
        out.append("  </state>")
    for transition in workflow.transitions:
        url = workflow.action_url.format(transition=transition.id)
        out += [
            "",
            '  <transition after_script="" before_script="" '
            f"new_state={quoteattr(transition.new_state)}",
            f"              title={quoteattr(transition.title)} "
            f'transition_id={quoteattr(transition.id)} trigger="USER"',
            '              i18n:attributes="title">',
            _description(transition.description),
            f'    <action category="workflow" url={quoteattr(url)} '
            f'i18n:translate="">{escape(transition.title)}</action>',
            *_guard((transition.guard_permission,), "    "),
            "  </transition>",
        ]
    for worklist in workflow.worklists:
        out += ["", *_worklist(worklist)]
    out.append("")
    for variable in workflow.variables:
        out += _variable(variable)
    out += ["", "</dc-workflow>"]
    return "\n".join(out) + "\n"
