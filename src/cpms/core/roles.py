"""The roles the portal's code and workflows speak of, named once.

Site-wide roles are granted to users or groups (profiles/default/rolemap.xml
declares the portal's own); local roles are granted on one case. The Plone
roles the workflows map are here too, so a workflow table reads as names.
"""

# Plone's own roles.
MANAGER = "Manager"
SITE_ADMINISTRATOR = "Site Administrator"
OWNER = "Owner"
EDITOR = "Editor"
CONTRIBUTOR = "Contributor"
REVIEWER = "Reviewer"
READER = "Reader"
MEMBER = "Member"
ANONYMOUS = "Anonymous"

# The portal's site-wide roles.
COORDINATOR = "Coordinator"
HELPDESK = "Helpdesk"
HEALTHCARE_PROFESSIONAL = "Healthcare Professional"
# A hospital's data protection officer: reads the access audit, exports and
# erases a case's data on request; reads no case content.
DATA_PROTECTION_OFFICER = "DataProtectionOfficer"
DATA_PROTECTION_OFFICER_TITLE = "Data protection officer"
# A researcher: reads the network's anonymised statistics (small counts
# suppressed); sees no case, no item, no referral and no access request.
RESEARCHER = "Researcher"
RESEARCHER_TITLE = "Researcher"

# Local roles on one case. ``Owner`` is the enrolling clinician.
PANEL_LEAD = "Panel Lead"
PANEL_MEMBER = "Panel Member"
GUEST_CLINICIAN = "Guest Clinician"

# Local roles that put a user on a case (who sees it and gets its mails).
CASE_ROLES = (OWNER, PANEL_LEAD, PANEL_MEMBER, GUEST_CLINICIAN)
# The panel's experts, whose contributions count for the close rule.
EXPERT_ROLES = (PANEL_LEAD, PANEL_MEMBER)
