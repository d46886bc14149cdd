"""State and transition ids of cpms_access_request_workflow.

Part of the API (plone.restapi's @workflow, @access-requests): keep them
stable. The workflow itself is declared in cpms.identity.workflow_definitions.
"""

ACCESS_REQUEST_WORKFLOW_ID = "cpms_access_request_workflow"

# States
PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"

# Transitions
APPROVE = "approve"
REJECT = "reject"
