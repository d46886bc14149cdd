"""Permission titles the code checks and the workflows map, named once.

The portal's own are declared in permissions.zcml (``cpms.<Id>`` there, the
title here: Zope checks titles). Plone's follow, for the same reason.
"""

# The portal's permissions (permissions.zcml), in its order.
ADD_CASE = "cpms: Add Case"
ADD_CONSENT_RECORD = "cpms: Add Consent Record"
ADD_CONTRIBUTION = "cpms: Add Contribution"
ADD_OUTCOME_REPORT = "cpms: Add Outcome Report"
ADD_HEALTHCARE_PROVIDER = "cpms: Add Healthcare Provider"
ADD_EXPERTISE_AREA = "cpms: Add Expertise Area"

ADD_REFERRAL = "cpms: Add Referral"
REVIEW_REFERRAL = "cpms: Review Referral"
DECIDE_REFERRAL = "cpms: Decide Referral"

ADD_MEETING = "cpms: Add Meeting"
ADD_MEDICAL_FILE = "cpms: Add Medical File"
MANAGE_PANEL = "cpms: Manage Panel"

ADD_ACCESS_REQUEST = "cpms: Add Access Request"
REVIEW_ACCESS_REQUESTS = "cpms: Review Access Requests"
MANAGE_GUEST_ACCESS = "cpms: Manage Guest Access"

ADD_GUIDE = "cpms: Add Guide"
ADD_FAQ_ENTRY = "cpms: Add FAQ Entry"
ADD_NEWSLETTER_ISSUE = "cpms: Add Newsletter Issue"
ADD_CONSENT_FORM = "cpms: Add Consent Form"

SUBMIT_CASE = "cpms: Submit Case"
MANAGE_CASE = "cpms: Manage Case"
REQUEST_INFORMATION = "cpms: Request Information"
CLOSE_CASE = "cpms: Close Case"
OVERRIDE_CLOSE_RULE = "cpms: Override Close Rule"
WITHDRAW_CASE = "cpms: Withdraw Case"
WITHDRAW_CONSENT = "cpms: Withdraw Consent"
SIGN_OUTCOME_REPORT = "cpms: Sign Outcome Report"

ASSIGN_OWNER = "cpms: Assign Owner"
ASSIGN_PANEL_LEAD = "cpms: Assign Panel Lead"
ASSIGN_PANEL_MEMBER = "cpms: Assign Panel Member"
ASSIGN_GUEST_CLINICIAN = "cpms: Assign Guest Clinician"

# The data subject's rights (privacy slice): a case's data for the patient,
# its erasure and the retention job.
EXPORT_CASE_DATA = "cpms: Export case data"
ERASE_CASE_DATA = "cpms: Erase case data"
VIEW_AUDIT_LOG = "cpms: View audit log"
# The network's KPIs and the board's activity report (insights slice):
# coordinators and managers.
VIEW_ACTIVITY_REPORT = "cpms: View activity report"
# The network's anonymised statistics (insights slice): researchers,
# coordinators and managers.
VIEW_STATISTICS = "cpms: View statistics"

# Plone's (Zope's, CMF's, plone.app.*'s) that the code checks or the
# workflows map.
VIEW = "View"
ACCESS_CONTENTS_INFORMATION = "Access contents information"
LIST_FOLDER_CONTENTS = "List folder contents"
MODIFY_PORTAL_CONTENT = "Modify portal content"
ADD_PORTAL_CONTENT = "Add portal content"
DELETE_OBJECTS = "Delete objects"
COPY_OR_MOVE = "Copy or Move"
CHANGE_LOCAL_ROLES = "Change local roles"
REQUEST_REVIEW = "Request review"
REVIEW_PORTAL_CONTENT = "Review portal content"
MODIFY_VIEW_TEMPLATE = "Modify view template"
DELEGATE_ROLES = "Sharing page: Delegate roles"
DELEGATE_READER_ROLE = "Sharing page: Delegate Reader role"
DELEGATE_EDITOR_ROLE = "Sharing page: Delegate Editor role"
DELEGATE_CONTRIBUTOR_ROLE = "Sharing page: Delegate Contributor role"
DELEGATE_REVIEWER_ROLE = "Sharing page: Delegate Reviewer role"
ACCESS_PREVIOUS_VERSIONS = "CMFEditions: Access previous versions"
REVERT_TO_PREVIOUS_VERSIONS = "CMFEditions: Revert to previous versions"
ADD_FILE = "plone.app.contenttypes: Add File"
ADD_IMAGE = "plone.app.contenttypes: Add Image"
