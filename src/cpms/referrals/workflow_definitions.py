"""cpms_referral_workflow: referrals from clinicians outside the network.

Guards use two permissions: "cpms: Review Referral" (triage: coordinators and
the helpdesk) and "cpms: Decide Referral" (accept or decline: coordinators).
request_info and decline need a comment, which cpms.referrals.workflow checks
and mails to the referrer; the transitions go through the referral's own
form (@@referral-transition), which asks for it. Edit here, run
``make workflows``, commit both the table and the XML.
"""

from cpms import _
from cpms.core import permissions as p
from cpms.core import roles
from cpms.core.workflows import NOBODY
from cpms.core.workflows import State
from cpms.core.workflows import Transition
from cpms.core.workflows import Workflow
from cpms.core.workflows import Worklist
from cpms.core.workflows import status_variables
from cpms.referrals import states as s

STAFF = (roles.MANAGER, roles.SITE_ADMINISTRATOR)
READERS = (*STAFF, roles.COORDINATOR, roles.HELPDESK)

PERMISSIONS = (
    p.ACCESS_CONTENTS_INFORMATION,
    p.VIEW,
    p.MODIFY_PORTAL_CONTENT,
    p.DELETE_OBJECTS,
    p.REVIEW_REFERRAL,
    p.DECIDE_REFERRAL,
)

# While the referral is open, the staff reviews and decides it.
OPEN = {
    p.ACCESS_CONTENTS_INFORMATION: READERS,
    p.VIEW: READERS,
    p.MODIFY_PORTAL_CONTENT: (*STAFF, roles.COORDINATOR),
    p.DELETE_OBJECTS: (roles.MANAGER,),
    p.REVIEW_REFERRAL: READERS,
    p.DECIDE_REFERRAL: (*STAFF, roles.COORDINATOR),
}
# Once decided, it is the record of the decision.
DECIDED = {
    p.ACCESS_CONTENTS_INFORMATION: READERS,
    p.VIEW: READERS,
    p.MODIFY_PORTAL_CONTENT: (roles.MANAGER,),
    p.DELETE_OBJECTS: (roles.MANAGER,),
    p.REVIEW_REFERRAL: NOBODY,
    p.DECIDE_REFERRAL: NOBODY,
}

REFERRAL_WORKFLOW = Workflow(
    id=s.REFERRAL_WORKFLOW_ID,
    title="CPMS referral workflow",
    description="Referrals from clinicians outside the network: reviewed, then "
    "accepted (a draft case and a guest invitation) or declined with a reason.",
    comment="State and transition ids are part of the API (plone.restapi "
    "@workflow): keep them stable.",
    initial_state=s.SUBMITTED,
    permissions=PERMISSIONS,
    action_url="%(content_url)s/@@referral-transition?transition={transition}",
    states=(
        State(
            s.SUBMITTED,
            _("Submitted"),
            _(
                "Sent by a clinician through the referral form; nobody has looked "
                "at it yet."
            ),
            exits=(s.START_REVIEW, s.DECLINE),
            permissions=OPEN,
        ),
        State(
            s.UNDER_REVIEW,
            _("Under review"),
            _("A coordinator is checking whether the network can take the case."),
            exits=(s.REQUEST_INFO, s.ACCEPT, s.DECLINE),
            permissions=OPEN,
        ),
        State(
            s.INFO_REQUESTED,
            _("Information requested"),
            _("Waiting for more information from the referring clinician."),
            exits=(s.PROVIDE_INFO, s.DECLINE),
            permissions=OPEN,
        ),
        State(
            s.ACCEPTED,
            _("Accepted"),
            _(
                "The network takes the case: a draft case exists and the referrer "
                "is invited as a guest."
            ),
            exits=(),
            permissions=DECIDED,
        ),
        State(
            s.DECLINED,
            _("Declined"),
            _("The network cannot take the case; the reason was sent to the referrer."),
            exits=(),
            permissions=DECIDED,
        ),
    ),
    transitions=(
        Transition(
            s.START_REVIEW,
            _("Start review"),
            _("A coordinator or the helpdesk takes the referral up."),
            new_state=s.UNDER_REVIEW,
            guard_permission=p.REVIEW_REFERRAL,
        ),
        Transition(
            s.REQUEST_INFO,
            _("Request information"),
            _("Ask the referrer for more information; the message is emailed to them."),
            new_state=s.INFO_REQUESTED,
            guard_permission=p.REVIEW_REFERRAL,
        ),
        Transition(
            s.PROVIDE_INFO,
            _("Information provided"),
            _("The referrer answered; the review goes on."),
            new_state=s.UNDER_REVIEW,
            guard_permission=p.REVIEW_REFERRAL,
        ),
        Transition(
            s.ACCEPT,
            _("Accept"),
            _(
                "Creates a draft case from the referral and invites the referrer as "
                "a guest."
            ),
            new_state=s.ACCEPTED,
            guard_permission=p.DECIDE_REFERRAL,
        ),
        Transition(
            s.DECLINE,
            _("Decline"),
            _(
                "Declines the referral; the reason (required) is emailed to the "
                "referrer."
            ),
            new_state=s.DECLINED,
            guard_permission=p.DECIDE_REFERRAL,
        ),
    ),
    worklists=(
        Worklist(
            "referrals_queue",
            "New referrals",
            action_title="New referrals (%(count)d)",
            action_url="%(portal_url)s/referrals",
            guard_permission=p.REVIEW_REFERRAL,
            match={"review_state": (s.SUBMITTED,)},
        ),
    ),
    # The history holds the referrer's correspondence: the triage staff's.
    variables=status_variables(history_guard=(p.REVIEW_REFERRAL,)),
)

WORKFLOWS = (REFERRAL_WORKFLOW,)
