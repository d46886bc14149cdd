"""The generated ERN case id: ``ERN-<year>-<number>``, e.g. ``ERN-2026-000123``.

Numbers count per year from a counter stored on the site. Two cases created
at the same moment write the same counter, so one transaction fails with a
ConflictError and Zope retries it with the next number: ids never repeat.
The catalog's ``case_id`` index is checked too, in case a counter was reset.
"""

from datetime import date

from persistent.mapping import PersistentMapping
from plone import api
from plone.app.content.interfaces import INameFromTitle
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer

from cpms.cases.content.case import ICase

CASE_ID_PREFIX = "ERN"
COUNTER_KEY = "cpms.case_id_counter"


def next_case_id(year: int | None = None) -> str:
    portal = api.portal.get()
    year = year or date.today().year
    annotations = IAnnotations(portal)
    counters = annotations.get(COUNTER_KEY)
    if counters is None:
        counters = annotations[COUNTER_KEY] = PersistentMapping()
    catalog = api.portal.get_tool("portal_catalog")
    number = counters.get(year, 0)
    while True:
        number += 1
        case_id = f"{CASE_ID_PREFIX}-{year}-{number:06d}"
        if not catalog.unrestrictedSearchResults(case_id=case_id, portal_type="Case"):
            break
    counters[year] = number
    return case_id


def ensure_case_id(case) -> str:
    if not case.case_id:
        case.case_id = next_case_id()
    return case.case_id


@implementer(INameFromTitle)
@adapter(ICase)
class CaseNameFromId:
    """The URL id of a new case comes from its case id."""

    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        return ensure_case_id(self.context)


def case_added(case, event):
    # Created with an explicit id (the name chooser was not asked): still
    # give the case its case id.
    if event.newParent is not None and not case.case_id:
        ensure_case_id(case)
        case.reindexObject()


def case_copied(case, event):
    # A copy is a new case: it gets its own id when it is added.
    case.case_id = None


def create_case(container, **fields):
    """Create a case from Python, its URL id from its case id.

    ``api.content.create`` names a new object after the ``title`` it is
    given; a case has no title of its own, so use this instead::

        case = create_case(portal["cases"], nickname="Blue Heron", ...)
    """
    fields.pop("title", None)
    case_id = next_case_id()
    return api.content.create(
        container=container, type="Case", id=case_id.lower(), case_id=case_id, **fields
    )
