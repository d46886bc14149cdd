"""State and transition ids of cpms_referral_workflow.

Part of the API (plone.restapi's @workflow, catalog queries): keep them
stable. The workflow itself is declared in cpms.referrals.workflow_definitions.
"""

REFERRAL_WORKFLOW_ID = "cpms_referral_workflow"

# States
SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
INFO_REQUESTED = "info_requested"
ACCEPTED = "accepted"
DECLINED = "declined"

# Transitions
START_REVIEW = "start_review"
REQUEST_INFO = "request_info"
PROVIDE_INFO = "provide_info"
ACCEPT = "accept"
DECLINE = "decline"
