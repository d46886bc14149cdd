"""The generated ERN case id: ``ERN-<year>-<number>``, e.g. ``ERN-2026-000123``.

Numbers count per year. Every enrolment needs the next one, so the counter
is the one object all enrolments write: it is a ``cpms.core.sequences``
sequence, taken in a short transaction of its own, so that clinicians
enrolling at the same moment do not conflict. Numbers never repeat; they may
skip one when an enrolment is abandoned after its number was taken.

The sequences live in the site's annotations, one per year. The catalog's
``case_id`` index is checked too, in case a counter was reset.
"""

from datetime import date

from persistent.mapping import PersistentMapping
from plone import api
from plone.app.content.interfaces import INameFromTitle
from plone.contentrules.engine.interfaces import IRuleAssignmentManager
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer

from cpms.cases.content.case import ICase
from cpms.cases.content.items import item_sequences
from cpms.core.sequences import Sequence
from cpms.core.sequences import next_number
from cpms.core.sequences import sequences

CASE_ID_PREFIX = "ERN"
COUNTER_KEY = "cpms.case_id_counter"
# Stored counters of a version of this module that had its own class.
YearCounter = Sequence


def case_counters(portal, create: bool = False):
    """The year -> ``Sequence`` tree of ``portal`` (None if there is none).

    A counter of the first version (a ``PersistentMapping`` of year ->
    number) is converted on the way.
    """
    annotations = IAnnotations(portal)
    counters = annotations.get(COUNTER_KEY)
    if isinstance(counters, PersistentMapping):
        old = dict(counters)
        counters = annotations[COUNTER_KEY] = sequences()
        for year, number in old.items():
            counters[year] = Sequence(number)
    elif counters is None and create:
        counters = annotations[COUNTER_KEY] = sequences()
    return counters


def _take(portal, year: int, at_least: int = 0) -> int:
    return next_number(case_counters(portal, create=True), year, at_least)


def _highest_in_use(year: int) -> int:
    """The highest number of ``year`` the catalog knows (after a reset)."""
    catalog = api.portal.get_tool("portal_catalog")
    prefix = f"{CASE_ID_PREFIX}-{year}-"
    numbers = [
        int(value[len(prefix) :])
        for value in catalog.uniqueValuesFor("case_id")
        if isinstance(value, str)
        and value.startswith(prefix)
        and value[len(prefix) :].isdigit()
    ]
    return max(numbers, default=0)


def next_case_id(year: int | None = None) -> str:
    portal = api.portal.get()
    year = year or date.today().year
    catalog = api.portal.get_tool("portal_catalog")
    at_least = 0
    while True:
        number = _take(portal, year, at_least)
        case_id = f"{CASE_ID_PREFIX}-{year}-{number:06d}"
        if not catalog.unrestrictedSearchResults(case_id=case_id, portal_type="Case"):
            return case_id
        # The counter is behind the cases (it was reset): jump past them.
        at_least = max(number, _highest_in_use(year))


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
    # Plone stores a container's (empty) content-rule assignments the first
    # time an item is added to it, and items are named from sequences of the
    # case: both stored now, with the new case, so that the first two items
    # posted at the same moment do not both write the case.
    IRuleAssignmentManager(case)
    item_sequences(case, create=True)


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
