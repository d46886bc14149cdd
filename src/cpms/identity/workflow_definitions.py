"""cpms_access_request_workflow: a request for a profile on the portal.

Requesters (Owner) and coordinators see a request, nobody else; coordinators
approve or reject it (the comment is the message mailed to the requester).
cpms.identity.access_requests does the granting. Edit here, run
``make workflows``, commit both the table and the XML.
"""

from cpms.core import permissions as p
from cpms.core import roles
from cpms.core.workflows import State
from cpms.core.workflows import Transition
from cpms.core.workflows import Workflow
from cpms.core.workflows import status_variables
from cpms.identity import states as s

STAFF = (roles.MANAGER, roles.SITE_ADMINISTRATOR)
READERS = (*STAFF, roles.COORDINATOR, roles.OWNER)

PERMISSIONS = (
    p.ACCESS_CONTENTS_INFORMATION,
    p.VIEW,
    p.MODIFY_PORTAL_CONTENT,
    p.DELETE_OBJECTS,
    p.REVIEW_ACCESS_REQUESTS,
)


def _request_state(reviewers):
    return {
        p.ACCESS_CONTENTS_INFORMATION: READERS,
        p.VIEW: READERS,
        p.MODIFY_PORTAL_CONTENT: STAFF,
        p.DELETE_OBJECTS: (roles.MANAGER,),
        p.REVIEW_ACCESS_REQUESTS: reviewers,
    }


ACCESS_REQUEST_WORKFLOW = Workflow(
    id=s.ACCESS_REQUEST_WORKFLOW_ID,
    title="CPMS access request workflow",
    description="Access requests: pending until a coordinator approves (grants "
    "the profile) or rejects them.",
    comment="State and transition ids are part of the API (plone.restapi "
    "@workflow): keep them stable.",
    initial_state=s.PENDING,
    permissions=PERMISSIONS,
    states=(
        State(
            s.PENDING,
            "Pending",
            "Waiting for a coordinator's decision.",
            exits=(s.APPROVE, s.REJECT),
            permissions=_request_state((*STAFF, roles.COORDINATOR)),
        ),
        State(
            s.APPROVED,
            "Approved",
            "The requested profile was granted.",
            exits=(),
            permissions=_request_state((roles.MANAGER,)),
        ),
        State(
            s.REJECTED,
            "Rejected",
            "The request was refused; the message says why.",
            exits=(),
            permissions=_request_state((roles.MANAGER,)),
        ),
    ),
    transitions=(
        Transition(
            s.APPROVE,
            "Approve",
            "Grant the requested profile and the provider group.",
            new_state=s.APPROVED,
            guard_permission=p.REVIEW_ACCESS_REQUESTS,
        ),
        Transition(
            s.REJECT,
            "Reject",
            "Refuse the request; the comment is sent to the requester.",
            new_state=s.REJECTED,
            guard_permission=p.REVIEW_ACCESS_REQUESTS,
        ),
    ),
    variables=status_variables(
        history_guard=(p.REQUEST_REVIEW, p.REVIEW_PORTAL_CONTENT)
    ),
)

WORKFLOWS = (ACCESS_REQUEST_WORKFLOW,)
