"""The case workflows: who holds which permission in which state.

These tables are the *implementation*; tests/security/case_matrix.py is the
independent *expectation* the permission-matrix test checks them against.
Edit here, run ``make workflows``, commit both the tables and the XML.

Items inside a case acquire the case's permissions: ConsentRecord,
Contribution and OutcomeReport have small workflows that manage only
"Modify portal content" (to lock a withdrawn consent, a posted contribution,
a signed report); Meeting and MedicalFile have no workflow at all.
"""

from cpms.cases import states as s
from cpms.core import permissions as p
from cpms.core import roles
from cpms.core.workflows import ACQUIRED
from cpms.core.workflows import NOBODY
from cpms.core.workflows import State
from cpms.core.workflows import Transition
from cpms.core.workflows import Workflow

# Short names: the tables below are read as a matrix.
M = roles.MANAGER
C = roles.COORDINATOR
O = roles.OWNER  # noqa: E741 (the enrolling clinician)
L = roles.PANEL_LEAD
P = roles.PANEL_MEMBER
G = roles.GUEST_CLINICIAN
EVERYONE_ON_CASE = (M, C, O, L, P, G)

# Permissions the case workflow manages. Not listed: Plone's defaults apply
# (acquired from /cases and the site's rolemap).
CASE_PERMISSIONS = (
    p.VIEW,
    p.ACCESS_CONTENTS_INFORMATION,
    p.LIST_FOLDER_CONTENTS,
    p.MODIFY_PORTAL_CONTENT,
    p.ADD_PORTAL_CONTENT,
    p.DELETE_OBJECTS,
    p.COPY_OR_MOVE,
    p.CHANGE_LOCAL_ROLES,
    p.DELEGATE_ROLES,
    # Plone's own sharing roles (Can view, Can edit, ...) mean nothing on a
    # case: nobody may grant them, so they do not show on its Sharing tab.
    p.DELEGATE_READER_ROLE,
    p.DELEGATE_EDITOR_ROLE,
    p.DELEGATE_CONTRIBUTOR_ROLE,
    p.DELEGATE_REVIEWER_ROLE,
    # Plone gives these to Editor/Reviewer/Contributor site-wide; on a case
    # they follow View (history: it holds the workflow comments) and Modify.
    p.ACCESS_PREVIOUS_VERSIONS,
    p.REVERT_TO_PREVIOUS_VERSIONS,
    p.MODIFY_VIEW_TEMPLATE,
    p.ADD_CONSENT_RECORD,
    p.ADD_CONTRIBUTION,
    p.ADD_OUTCOME_REPORT,
    p.SIGN_OUTCOME_REPORT,
    p.SUBMIT_CASE,
    p.MANAGE_CASE,
    p.REQUEST_INFORMATION,
    p.CLOSE_CASE,
    p.OVERRIDE_CLOSE_RULE,
    p.WITHDRAW_CASE,
    p.WITHDRAW_CONSENT,
)


def _case_state(*grants):
    """A case state's map: every managed permission, NOBODY unless granted.

    ``grants`` are dicts permission -> roles, merged in order.
    """
    result = dict.fromkeys(CASE_PERMISSIONS, NOBODY)
    result[p.DELETE_OBJECTS] = (M,)
    for granted in grants:
        result.update(granted)
    # Renaming a new item (plone.api, the UI's rename) needs "Copy or Move":
    # whoever may add here may also move/copy; nobody in a locked state.
    result[p.COPY_OR_MOVE] = result[p.ADD_PORTAL_CONTENT]
    result[p.ACCESS_PREVIOUS_VERSIONS] = result[p.VIEW]
    result[p.REVERT_TO_PREVIOUS_VERSIONS] = result[p.MODIFY_PORTAL_CONTENT]
    result[p.MODIFY_VIEW_TEMPLATE] = result[p.MODIFY_PORTAL_CONTENT]
    return result


def _visible(who=EVERYONE_ON_CASE):
    return {
        p.VIEW: who,
        p.ACCESS_CONTENTS_INFORMATION: who,
        p.LIST_FOLDER_CONTENTS: who,
    }


def _sharing(*who):
    return {p.CHANGE_LOCAL_ROLES: who, p.DELEGATE_ROLES: who}


CASE_WORKFLOW = Workflow(
    id=s.CASE_WORKFLOW_ID,
    title="CPMS case workflow",
    description="A patient case: drafted by the enrolling clinician, submitted, "
    "discussed by its panel, closed with a signed outcome report, archived.",
    comment="Transition ids are part of the API: keep them stable.",
    initial_state=s.DRAFT,
    permissions=CASE_PERMISSIONS,
    states=(
        State(
            s.DRAFT,
            "Draft",
            "The enrolling clinician prepares the case and records the consent; "
            "a referred case, its guest clinician.",
            exits=(s.SUBMIT, s.WITHDRAW),
            permissions=_case_state(
                _visible(),
                _sharing(M, C),
                {
                    # The guest clinician of a referred case completes it as
                    # its enrolling clinician would: edit, consent, files
                    # (cpms: Add Medical File, rolemap), answers, submit.
                    # Withdrawing stays with the clinician and coordinators.
                    p.MODIFY_PORTAL_CONTENT: (M, O, G),
                    p.ADD_PORTAL_CONTENT: (M, C, O, G),
                    p.ADD_CONSENT_RECORD: (M, O, G),
                    p.SUBMIT_CASE: (M, O, G),
                    p.WITHDRAW_CASE: (M, C, O),
                    p.WITHDRAW_CONSENT: (M, C, O),
                },
            ),
        ),
        State(
            s.SUBMITTED,
            "Submitted",
            "Waiting for a coordinator to open the panel; the case is read-only.",
            exits=(s.OPEN_PANEL, s.REQUEST_INFO, s.WITHDRAW),
            permissions=_case_state(
                _visible(),
                _sharing(M, C),
                {
                    p.MODIFY_PORTAL_CONTENT: (M,),
                    p.ADD_PORTAL_CONTENT: (M, C, O),
                    p.ADD_CONSENT_RECORD: (M, O),
                    p.MANAGE_CASE: (M, C),
                    p.REQUEST_INFORMATION: (M, C),
                    p.WITHDRAW_CASE: (M, C, O),
                    p.WITHDRAW_CONSENT: (M, C, O),
                },
            ),
        ),
        State(
            s.IN_DISCUSSION,
            "In discussion",
            "The panel discusses the case; the lead curates it and writes the "
            "outcome report.",
            exits=(s.REQUEST_INFO, s.CLOSE, s.WITHDRAW),
            permissions=_case_state(
                _visible(),
                _sharing(M, C, L),
                {
                    p.MODIFY_PORTAL_CONTENT: (M, L),
                    p.ADD_PORTAL_CONTENT: (M, C, O, L, P, G),
                    p.ADD_CONSENT_RECORD: (M, O),
                    p.ADD_CONTRIBUTION: (M, O, L, P, G),
                    p.ADD_OUTCOME_REPORT: (M, L),
                    p.SIGN_OUTCOME_REPORT: (L,),
                    p.REQUEST_INFORMATION: (M, C, L),
                    p.CLOSE_CASE: (M, C, L),
                    p.OVERRIDE_CLOSE_RULE: (M, C),
                    p.WITHDRAW_CASE: (M, C, O),
                    p.WITHDRAW_CONSENT: (M, C, O),
                },
            ),
        ),
        State(
            s.CLOSED,
            "Closed",
            "The panel gave its advice; the case is read-only until reopened.",
            exits=(s.ARCHIVE, s.REOPEN),
            permissions=_case_state(
                _visible(),
                _sharing(M, C),
                # The patient may withdraw a consent whatever the case's
                # state (GDPR Art. 7(3)); it is recorded, not edited.
                {p.MANAGE_CASE: (M, C), p.WITHDRAW_CONSENT: (M, C, O)},
            ),
        ),
        State(
            s.ARCHIVED,
            "Archived",
            "Kept for the record; read-only.",
            exits=(),
            permissions=_case_state(
                _visible(), _sharing(M, C), {p.WITHDRAW_CONSENT: (M, C, O)}
            ),
        ),
        State(
            s.WITHDRAWN,
            "Withdrawn",
            "Withdrawn (or its care consent was): locked, and only the enrolling "
            "clinician and the coordinators still see it.",
            exits=(),
            permissions=_case_state(
                _visible((M, C, O)), _sharing(M, C), {p.WITHDRAW_CONSENT: (M, C, O)}
            ),
        ),
    ),
    transitions=(
        Transition(
            s.SUBMIT,
            "Submit",
            "Send the case to the coordinators. Needs a recorded care consent and "
            "the required fields.",
            new_state=s.SUBMITTED,
            guard_permission=p.SUBMIT_CASE,
        ),
        Transition(
            s.OPEN_PANEL,
            "Open panel",
            "Start the panel's discussion.",
            new_state=s.IN_DISCUSSION,
            guard_permission=p.MANAGE_CASE,
        ),
        Transition(
            s.REQUEST_INFO,
            "Request information",
            "Send the case back to the enrolling clinician with a message saying "
            "what is missing (the comment).",
            new_state=s.DRAFT,
            guard_permission=p.REQUEST_INFORMATION,
        ),
        Transition(
            s.CLOSE,
            "Close",
            "End the discussion. Needs a signed outcome report and contributions "
            "from two experts; a coordinator may override with a reason.",
            new_state=s.CLOSED,
            guard_permission=p.CLOSE_CASE,
        ),
        Transition(
            s.ARCHIVE,
            "Archive",
            "Keep the closed case for the record.",
            new_state=s.ARCHIVED,
            guard_permission=p.MANAGE_CASE,
        ),
        Transition(
            s.WITHDRAW,
            "Withdraw",
            "Withdraw the case; it is locked afterwards.",
            new_state=s.WITHDRAWN,
            guard_permission=p.WITHDRAW_CASE,
        ),
        Transition(
            s.REOPEN,
            "Reopen",
            "Take a closed case back into discussion.",
            new_state=s.IN_DISCUSSION,
            guard_permission=p.MANAGE_CASE,
        ),
    ),
)


# Item workflows: they manage "Modify portal content" only; everything else
# (View, ...) is acquired from the case, so the case's state decides.
ITEM_COMMENT = "Everything but editing is acquired from the case."
EDITABLE = {p.MODIFY_PORTAL_CONTENT: ACQUIRED}
LOCKED = {p.MODIFY_PORTAL_CONTENT: NOBODY}

CONSENT_WORKFLOW = Workflow(
    id=s.CONSENT_WORKFLOW_ID,
    title="CPMS consent record workflow",
    description="A consent record follows its case; withdrawing it locks it and, "
    "for the care consent, withdraws the case.",
    comment=ITEM_COMMENT,
    initial_state=s.CONSENT_RECORDED,
    permissions=(p.MODIFY_PORTAL_CONTENT,),
    states=(
        State(
            s.CONSENT_RECORDED,
            "Recorded",
            "The consent is valid.",
            exits=(s.WITHDRAW_CONSENT,),
            permissions=EDITABLE,
        ),
        State(
            s.CONSENT_WITHDRAWN,
            "Withdrawn",
            "The patient withdrew the consent; locked.",
            exits=(),
            permissions=LOCKED,
        ),
    ),
    transitions=(
        Transition(
            s.WITHDRAW_CONSENT,
            "Withdraw consent",
            "Record that the patient withdrew this consent.",
            new_state=s.CONSENT_WITHDRAWN,
            guard_permission=p.WITHDRAW_CONSENT,
        ),
    ),
)

CONTRIBUTION_WORKFLOW = Workflow(
    id=s.CONTRIBUTION_WORKFLOW_ID,
    title="CPMS contribution workflow",
    description="Contributions are the panel's record: posted once, never edited "
    "(add another one to correct).",
    comment=ITEM_COMMENT,
    initial_state=s.CONTRIBUTION_POSTED,
    permissions=(p.MODIFY_PORTAL_CONTENT,),
    states=(
        State(
            s.CONTRIBUTION_POSTED,
            "Posted",
            "Part of the discussion's record.",
            exits=(),
            permissions=LOCKED,
        ),
    ),
    transitions=(),
)

OUTCOME_REPORT_WORKFLOW = Workflow(
    id=s.OUTCOME_REPORT_WORKFLOW_ID,
    title="CPMS outcome report workflow",
    description="The panel lead writes the report while the case is in discussion, "
    "then signs it; a signed report is locked.",
    comment=ITEM_COMMENT,
    initial_state=s.REPORT_DRAFT,
    permissions=(p.MODIFY_PORTAL_CONTENT,),
    states=(
        State(
            s.REPORT_DRAFT,
            "Draft",
            "Being written by the panel lead.",
            exits=(s.SIGN,),
            permissions=EDITABLE,
        ),
        State(
            s.REPORT_SIGNED,
            "Signed",
            "Signed by the panel lead; locked.",
            exits=(),
            permissions=LOCKED,
        ),
    ),
    transitions=(
        Transition(
            s.SIGN,
            "Sign",
            "Sign the report as panel lead (records who and when; locks it).",
            new_state=s.REPORT_SIGNED,
            guard_permission=p.SIGN_OUTCOME_REPORT,
        ),
    ),
)

WORKFLOWS = (
    CASE_WORKFLOW,
    CONSENT_WORKFLOW,
    CONTRIBUTION_WORKFLOW,
    OUTCOME_REPORT_WORKFLOW,
)
