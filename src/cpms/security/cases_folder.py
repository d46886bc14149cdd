"""Who may see and add to /cases (the folder itself; each case has its own
security from cpms_case_workflow).

/cases is a private Folder under simple_publication_workflow, whose private
state shows a folder to Editors, Readers and Contributors: network staff must
not even browse it. Healthcare professionals list it (they see only the cases
their local roles name: the catalog filters) and enrol cases in it.

"Add portal content" and "cpms: Add Case" are not managed by that workflow,
so they stay as set here. "View" and "Access contents information" are: a
site-wide "update security settings" (portal_workflow.updateRoleMappings)
would give the folder back to the private state's roles; the profile's
post_install puts them back. Cases are safe either way: their own workflow
never acquires View from /cases.
"""

from plone import api

CASES_FOLDER = "cases"

FOLDER_READERS = (
    "Manager",
    "Site Administrator",
    "Coordinator",
    "Healthcare Professional",
)
CASE_ENROLLERS = ("Manager", "Coordinator", "Healthcare Professional")


def setup_cases_folder(portal):
    folder = portal.get(CASES_FOLDER)
    if folder is None:
        return
    for permission in ("View", "Access contents information", "List folder contents"):
        folder.manage_permission(permission, roles=list(FOLDER_READERS), acquire=False)
    for permission in ("Add portal content", "cpms: Add Case"):
        folder.manage_permission(permission, roles=list(CASE_ENROLLERS), acquire=False)
    folder.reindexObjectSecurity()


def cases_folder():
    return api.portal.get().get(CASES_FOLDER)
