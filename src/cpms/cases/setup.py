"""Who may enrol cases in /cases (each case has its own security from
cpms_case_workflow).

Who sees and lists the folder is declared with the other private sections
(``readers`` in cpms.core.structure). "Add portal content" and "cpms: Add Case" are
not managed by the folder's workflow, so they stay as set here, re-applied by
the profile's post_install.
"""

from cpms.core import permissions
from cpms.core import roles

CASES_FOLDER = "cases"

CASE_ENROLLERS = (roles.MANAGER, roles.COORDINATOR, roles.HEALTHCARE_PROFESSIONAL)


def setup_cases_folder(portal):
    folder = portal.get(CASES_FOLDER)
    if folder is None:
        return
    for permission in (permissions.ADD_PORTAL_CONTENT, permissions.ADD_CASE):
        folder.manage_permission(permission, roles=list(CASE_ENROLLERS), acquire=False)
