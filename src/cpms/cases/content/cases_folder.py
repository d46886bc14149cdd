"""The class of the /cases folder: a Folder that enrolments leave as it is.

The section is created as Plone's ``Folder`` (cpms.core.structure) and keeps
that type, its schema and its views; ``setup_cases_folder`` gives the object
this class, which differs only in what adding a case does: the case is added
and announced as usual, but the folder gets no new modification date and no
reindex (cpms.core.containers), so that clinicians enrolling at the same
moment do not conflict on the folder.
"""

from plone.app.contenttypes.content import Folder

from cpms.core.containers import ItemsLeaveContainerAsIs


class CasesFolder(ItemsLeaveContainerAsIs, Folder):
    """/cases."""
