# ruff: noqa: E501, E741
"""Write the case workflows' definition.xml files from the tables below.

    .venv/bin/python scripts/case_workflows.py

The tables are the *implementation* (who holds which permission in which
state); tests/security/case_matrix.py is the independent *expectation* the
permission-matrix test checks them against. Edit here, regenerate, commit both.

Items inside a case acquire the case's permissions: ConsentRecord,
Contribution and OutcomeReport have small workflows that manage only
"Modify portal content" (to lock a withdrawn consent, a posted contribution,
a signed report); Meeting and MedicalFile have no workflow at all.
"""

from pathlib import Path
from xml.sax.saxutils import escape

WORKFLOWS = Path(__file__).resolve().parent.parent / "profiles/default/workflows"

M, C, O, L, P, G = (
    "Manager",
    "Coordinator",
    "Owner",
    "Panel Lead",
    "Panel Member",
    "Guest Clinician",
)
EVERYONE_ON_CASE = (M, C, O, L, P, G)
NOBODY = ()

# Permissions the case workflow manages. Not listed: Plone's defaults apply
# (acquired from /cases and the site's rolemap).
CASE_PERMISSIONS = (
    "View",
    "Access contents information",
    "List folder contents",
    "Modify portal content",
    "Add portal content",
    "Delete objects",
    "Copy or Move",
    "Change local roles",
    "Sharing page: Delegate roles",
    # Plone's own sharing roles (Can view, Can edit, ...) mean nothing on a
    # case: nobody may grant them, so they do not show on its Sharing tab.
    "Sharing page: Delegate Reader role",
    "Sharing page: Delegate Editor role",
    "Sharing page: Delegate Contributor role",
    "Sharing page: Delegate Reviewer role",
    # Plone gives these to Editor/Reviewer/Contributor site-wide; on a case
    # they follow View (history: it holds the workflow comments) and Modify.
    "CMFEditions: Access previous versions",
    "CMFEditions: Revert to previous versions",
    "Modify view template",
    "cpms: Add Consent Record",
    "cpms: Add Contribution",
    "cpms: Add Outcome Report",
    "cpms: Sign Outcome Report",
    "cpms: Submit Case",
    "cpms: Manage Case",
    "cpms: Request Information",
    "cpms: Close Case",
    "cpms: Override Close Rule",
    "cpms: Withdraw Case",
    "cpms: Withdraw Consent",
)


def _state(**granted):
    """A state's map: every managed permission, NOBODY unless granted."""
    names = {p: p for p in CASE_PERMISSIONS}
    result = dict.fromkeys(CASE_PERMISSIONS, NOBODY)
    result["Delete objects"] = (M,)
    for key, roles in granted.items():
        result[names[KEYS[key]]] = roles
    # Renaming a new item (plone.api, the UI's rename) needs "Copy or Move":
    # whoever may add here may also move/copy; nobody in a locked state.
    result["Copy or Move"] = result["Add portal content"]
    result["CMFEditions: Access previous versions"] = result["View"]
    result["CMFEditions: Revert to previous versions"] = result["Modify portal content"]
    result["Modify view template"] = result["Modify portal content"]
    return result


# Short keyword names for the table below.
KEYS = {
    "view": "View",
    "access": "Access contents information",
    "list": "List folder contents",
    "modify": "Modify portal content",
    "add": "Add portal content",
    "local_roles": "Change local roles",
    "delegate": "Sharing page: Delegate roles",
    "add_consent": "cpms: Add Consent Record",
    "add_contribution": "cpms: Add Contribution",
    "add_report": "cpms: Add Outcome Report",
    "sign": "cpms: Sign Outcome Report",
    "submit": "cpms: Submit Case",
    "manage": "cpms: Manage Case",
    "request_info": "cpms: Request Information",
    "close": "cpms: Close Case",
    "override": "cpms: Override Close Rule",
    "withdraw": "cpms: Withdraw Case",
    "withdraw_consent": "cpms: Withdraw Consent",
}


def _visible(roles=EVERYONE_ON_CASE):
    return {"view": roles, "access": roles, "list": roles}


def _sharing(*roles):
    return {"local_roles": roles, "delegate": roles}


CASE_STATES = {
    "draft": (
        "Draft",
        "The enrolling clinician prepares the case and records the consent.",
        ("submit", "withdraw"),
        _state(
            **_visible(),
            **_sharing(M, C),
            modify=(M, O),
            add=(M, C, O),
            add_consent=(M, O),
            submit=(M, O),
            withdraw=(M, C, O),
            withdraw_consent=(M, C, O),
        ),
    ),
    "submitted": (
        "Submitted",
        "Waiting for a coordinator to open the panel; the case is read-only.",
        ("open_panel", "request_info", "withdraw"),
        _state(
            **_visible(),
            **_sharing(M, C),
            modify=(M,),
            add=(M, C, O),
            add_consent=(M, O),
            manage=(M, C),
            request_info=(M, C),
            withdraw=(M, C, O),
            withdraw_consent=(M, C, O),
        ),
    ),
    "in_discussion": (
        "In discussion",
        "The panel discusses the case; the lead curates it and writes the "
        "outcome report.",
        ("request_info", "close", "withdraw"),
        _state(
            **_visible(),
            **_sharing(M, C, L),
            modify=(M, L),
            add=(M, C, O, L, P, G),
            add_consent=(M, O),
            add_contribution=(M, O, L, P, G),
            add_report=(M, L),
            sign=(L,),
            request_info=(M, C, L),
            close=(M, C, L),
            override=(M, C),
            withdraw=(M, C, O),
            withdraw_consent=(M, C, O),
        ),
    ),
    "closed": (
        "Closed",
        "The panel gave its advice; the case is read-only until reopened.",
        ("archive", "reopen"),
        _state(**_visible(), **_sharing(M, C), manage=(M, C)),
    ),
    "archived": (
        "Archived",
        "Kept for the record; read-only.",
        (),
        _state(**_visible(), **_sharing(M, C)),
    ),
    "withdrawn": (
        "Withdrawn",
        "Withdrawn (or its care consent was): locked, and only the enrolling "
        "clinician and the coordinators still see it.",
        (),
        _state(**_visible((M, C, O)), **_sharing(M, C)),
    ),
}


# id -> (title, description, new state, guard permission)
CASE_TRANSITIONS = {
    "submit": (
        "Submit",
        "Send the case to the coordinators. Needs a recorded care consent and "
        "the required fields.",
        "submitted",
        "cpms: Submit Case",
    ),
    "open_panel": (
        "Open panel",
        "Start the panel's discussion.",
        "in_discussion",
        "cpms: Manage Case",
    ),
    "request_info": (
        "Request information",
        "Send the case back to the enrolling clinician with a message saying "
        "what is missing (the comment).",
        "draft",
        "cpms: Request Information",
    ),
    "close": (
        "Close",
        "End the discussion. Needs a signed outcome report and contributions "
        "from two experts; a coordinator may override with a reason.",
        "closed",
        "cpms: Close Case",
    ),
    "archive": (
        "Archive",
        "Keep the closed case for the record.",
        "archived",
        "cpms: Manage Case",
    ),
    "withdraw": (
        "Withdraw",
        "Withdraw the case; it is locked afterwards.",
        "withdrawn",
        "cpms: Withdraw Case",
    ),
    "reopen": (
        "Reopen",
        "Take a closed case back into discussion.",
        "in_discussion",
        "cpms: Manage Case",
    ),
}

VARIABLES = """
  <variable for_catalog="False" for_status="True" update_always="True" variable_id="action">
    <description>Previous transition</description>
    <default>
      <expression>transition/getId|nothing</expression>
    </default>
    <guard>
    </guard>
  </variable>
  <variable for_catalog="False" for_status="True" update_always="True" variable_id="actor">
    <description>The ID of the user who performed the previous transition</description>
    <default>
      <expression>user/getId</expression>
    </default>
    <guard>
    </guard>
  </variable>
  <variable for_catalog="False" for_status="True" update_always="True" variable_id="comments">
    <description>Comment about the last transition</description>
    <default>
      <expression>python:state_change.kwargs.get('comment', '')</expression>
    </default>
    <guard>
    </guard>
  </variable>
  <variable for_catalog="False" for_status="True" update_always="True" variable_id="time">
    <description>When the previous transition was performed</description>
    <default>
      <expression>state_change/getDateTime</expression>
    </default>
    <guard>
    </guard>
  </variable>
  <variable for_catalog="False" for_status="False" update_always="False" variable_id="review_history">
    <description>Provides access to workflow history</description>
    <default>
      <expression>state_change/getHistory</expression>
    </default>
    <guard>
      <guard-permission>View</guard-permission>
    </guard>
  </variable>
"""


def _permission_map(name, roles, acquired=False):
    lines = [f'    <permission-map acquired="{acquired}" name="{escape(name)}">']
    lines += [f"      <permission-role>{r}</permission-role>" for r in roles]
    lines.append("    </permission-map>")
    return lines


def render(
    workflow_id, title, description, initial, permissions, states, transitions, comment
):
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<!-- Generated by scripts/case_workflows.py: edit the tables there. {comment} -->",
        '<dc-workflow xmlns:i18n="http://xml.zope.org/namespaces/i18n"',
        f'             description="{escape(description)}"',
        f'             initial_state="{initial}"',
        '             state_variable="review_state"',
        f'             title="{escape(title)}"',
        f'             workflow_id="{workflow_id}"',
        '             i18n:attributes="title; description"',
        '             i18n:domain="cpms"',
        ">",
        "",
    ]
    out += [f"  <permission>{escape(p)}</permission>" for p in permissions]
    for state_id, (s_title, s_desc, exits, pmap) in states.items():
        out += [
            "",
            f'  <state state_id="{state_id}" title="{escape(s_title)}" '
            'i18n:attributes="title">',
            f'    <description i18n:translate="">{escape(s_desc)}</description>',
        ]
        out += [f'    <exit-transition transition_id="{t}" />' for t in exits]
        for perm in permissions:
            roles = pmap.get(perm)
            if roles is None:  # not set: acquired from the container
                out += _permission_map(perm, (), acquired=True)
            else:
                out += _permission_map(perm, roles)
        out.append("  </state>")
    for t_id, (t_title, t_desc, new_state, guard) in transitions.items():
        out += [
            "",
            f'  <transition after_script="" before_script="" new_state="{new_state}"',
            f'              title="{escape(t_title)}" transition_id="{t_id}" '
            'trigger="USER"',
            '              i18n:attributes="title">',
            f'    <description i18n:translate="">{escape(t_desc)}</description>',
            '    <action category="workflow" '
            f'url="%(content_url)s/content_status_modify?workflow_action={t_id}" '
            f'i18n:translate="">{escape(t_title)}</action>',
            "    <guard>",
            f"      <guard-permission>{escape(guard)}</guard-permission>",
            "    </guard>",
            "  </transition>",
        ]
    out.append(VARIABLES)
    out.append("</dc-workflow>")
    return "\n".join(out) + "\n"


# Item workflows: they manage "Modify portal content" only; everything else
# (View, ...) is acquired from the case, so the case's state decides.
MODIFY = ("Modify portal content",)
ITEM_WORKFLOWS = {
    "cpms_consent_workflow": (
        "CPMS consent record workflow",
        "A consent record follows its case; withdrawing it locks it and, for "
        "the care consent, withdraws the case.",
        "recorded",
        {
            "recorded": (
                "Recorded",
                "The consent is valid.",
                ("withdraw_consent",),
                {"Modify portal content": None},
            ),
            "withdrawn": (
                "Withdrawn",
                "The patient withdrew the consent; locked.",
                (),
                {"Modify portal content": ()},
            ),
        },
        {
            "withdraw_consent": (
                "Withdraw consent",
                "Record that the patient withdrew this consent.",
                "withdrawn",
                "cpms: Withdraw Consent",
            ),
        },
    ),
    "cpms_contribution_workflow": (
        "CPMS contribution workflow",
        "Contributions are the panel's record: posted once, never edited "
        "(add another one to correct).",
        "posted",
        {
            "posted": (
                "Posted",
                "Part of the discussion's record.",
                (),
                {"Modify portal content": ()},
            ),
        },
        {},
    ),
    "cpms_outcome_report_workflow": (
        "CPMS outcome report workflow",
        "The panel lead writes the report while the case is in discussion, "
        "then signs it; a signed report is locked.",
        "draft",
        {
            "draft": (
                "Draft",
                "Being written by the panel lead.",
                ("sign",),
                {"Modify portal content": None},
            ),
            "signed": (
                "Signed",
                "Signed by the panel lead; locked.",
                (),
                {"Modify portal content": ()},
            ),
        },
        {
            "sign": (
                "Sign",
                "Sign the report as panel lead (records who and when; locks it).",
                "signed",
                "cpms: Sign Outcome Report",
            ),
        },
    ),
}


def main():
    target = WORKFLOWS / "cpms_case_workflow" / "definition.xml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        render(
            "cpms_case_workflow",
            "CPMS case workflow",
            "A patient case: drafted by the enrolling clinician, submitted, "
            "discussed by its panel, closed with a signed outcome report, archived.",
            "draft",
            CASE_PERMISSIONS,
            CASE_STATES,
            CASE_TRANSITIONS,
            "Transition ids are part of the API: keep them stable.",
        )
    )
    for wf_id, (title, desc, initial, states, transitions) in ITEM_WORKFLOWS.items():
        target = WORKFLOWS / wf_id / "definition.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            render(
                wf_id,
                title,
                desc,
                initial,
                MODIFY,
                states,
                transitions,
                "Everything but editing is acquired from the case.",
            )
        )


if __name__ == "__main__":
    main()
