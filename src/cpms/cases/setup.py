"""The /cases folder: who may enrol cases there, and how it stores them
(each case has its own security from cpms_case_workflow).

Who sees and lists the folder is declared with the other private sections
(``readers`` in cpms.core.structure). "Add portal content" and "cpms: Add Case" are
not managed by the folder's workflow, so they stay as set here, re-applied by
the profile's post_install.

Many clinicians enrol at the same moment, so an enrolment writes nothing in
the folder but its BTree of cases, where concurrent additions merge (ZODB
conflict resolution):

- the folder is unordered: Plone's ordered folders keep the position of
  every item in one list that every enrolment rewrites. Cases are listed by
  date or state, never by position;
- the folder is a ``CasesFolder`` (still the type ``Folder``): an enrolment
  gives it no new modification date and no reindex (cpms.core.containers);
- the counters of case numbers (cpms.cases.case_id) exist, committed, before
  the first enrolment, which takes its number in a transaction of its own.

A site made before these were applied gets them from the upgrade step that
runs this again.
"""

from Acquisition import aq_base
from plone.app.contenttypes.content import Folder
from plone.contentrules.engine.interfaces import IRuleAssignmentManager

from cpms.cases.case_id import case_counters
from cpms.cases.content.cases_folder import CasesFolder
from cpms.core import permissions
from cpms.core import roles

CASES_FOLDER = "cases"
UNORDERED = "unordered"  # plone.folder's IOrdering adapter without positions

CASE_ENROLLERS = (roles.MANAGER, roles.COORDINATOR, roles.HEALTHCARE_PROFESSIONAL)


def setup_cases_folder(portal):
    folder = portal.get(CASES_FOLDER)
    if folder is None:
        return
    for permission in (permissions.ADD_PORTAL_CONTENT, permissions.ADD_CASE):
        folder.manage_permission(permission, roles=list(CASE_ENROLLERS), acquire=False)
    base = aq_base(folder)
    if type(base) is Folder:
        # Same type, same fields; only what adding a case does differs.
        base.__class__ = CasesFolder
        base._p_changed = True
    if getattr(base, "_ordering", UNORDERED) != UNORDERED:
        folder.setOrdering(UNORDERED)
    # Plone stores a container's (empty) content-rule assignments when the
    # first item is added: stored now, not by the first enrolments.
    IRuleAssignmentManager(folder)
    case_counters(portal, create=True)
