"""Workflow, state and transition ids of the case workflows.

They are part of the API (plone.restapi's @workflow, catalog queries on
``review_state``): keep them stable. The workflows themselves are declared in
cpms.cases.workflow_definitions.
"""

CASE_WORKFLOW_ID = "cpms_case_workflow"
CONSENT_WORKFLOW_ID = "cpms_consent_workflow"
CONTRIBUTION_WORKFLOW_ID = "cpms_contribution_workflow"
OUTCOME_REPORT_WORKFLOW_ID = "cpms_outcome_report_workflow"

# cpms_case_workflow: states
DRAFT = "draft"
SUBMITTED = "submitted"
IN_DISCUSSION = "in_discussion"
CLOSED = "closed"
ARCHIVED = "archived"
WITHDRAWN = "withdrawn"

# cpms_case_workflow: transitions
SUBMIT = "submit"
OPEN_PANEL = "open_panel"
REQUEST_INFO = "request_info"
CLOSE = "close"
ARCHIVE = "archive"
WITHDRAW = "withdraw"
REOPEN = "reopen"

# A case is open (its panel may still act on it) in these states.
OPEN_STATES = (DRAFT, SUBMITTED, IN_DISCUSSION)

# cpms_consent_workflow
CONSENT_RECORDED = "recorded"
CONSENT_WITHDRAWN = "withdrawn"
WITHDRAW_CONSENT = "withdraw_consent"

# cpms_contribution_workflow
CONTRIBUTION_POSTED = "posted"

# cpms_outcome_report_workflow
REPORT_DRAFT = "draft"
REPORT_SIGNED = "signed"
SIGN = "sign"
