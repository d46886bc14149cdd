"""The generated ERN case id: ``ERN-<year>-<number>``, e.g. ``ERN-2026-000123``.

Numbers count per year. Every enrolment needs the next one, so the counter
is the one object all enrolments write: kept in the enrolment's own
transaction, two clinicians enrolling at the same moment would conflict
(ZODB ConflictError) and one of them would be redone from the start, or
fail once Zope's retries are spent. So a number is taken like a database
sequence: in a short transaction of its own, committed at once and retried
on the spot if another enrolment took a number at the same moment. Numbers
never repeat; they may skip one when an enrolment is abandoned after its
number was taken (e.g. redone by Zope after a conflict elsewhere).

The counters live in the site's annotations, one persistent ``YearCounter``
per year in an ``OOBTree``. Where no committed counter can be reached (the
site is being created in this very transaction, or this transaction changed
the counters itself), the number is taken in the current transaction, as
before. The catalog's ``case_id`` index is checked too, in case a counter was
reset.
"""

import logging
import random
import time
from datetime import date

import transaction
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from plone import api
from plone.app.content.interfaces import INameFromTitle
from plone.contentrules.engine.interfaces import IRuleAssignmentManager
from ZODB.POSException import ConflictError
from ZODB.POSException import POSKeyError
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer

from cpms.cases.content.case import ICase

CASE_ID_PREFIX = "ERN"
COUNTER_KEY = "cpms.case_id_counter"
# Attempts of the short numbering transaction before falling back to the
# enrolment's own transaction (each conflict means another enrolment got
# a number: attempts are cheap and rarely needed more than twice).
ATTEMPTS = 20

logger = logging.getLogger(__name__)


class YearCounter(Persistent):
    """The last case number given in one year."""

    def __init__(self, last: int = 0):
        self.last = last


def case_counters(portal, create: bool = False):
    """The year -> ``YearCounter`` tree of ``portal`` (None if there is none).

    A counter of the first version (a ``PersistentMapping`` of year ->
    number) is converted on the way.
    """
    annotations = IAnnotations(portal)
    counters = annotations.get(COUNTER_KEY)
    if isinstance(counters, PersistentMapping):
        counters = annotations[COUNTER_KEY] = OOBTree(
            {year: YearCounter(number) for year, number in counters.items()}
        )
    elif counters is None and create:
        counters = annotations[COUNTER_KEY] = OOBTree()
    return counters


def _committed(obj) -> bool:
    """``obj`` is stored and unchanged in the current transaction."""
    return obj._p_jar is not None and obj._p_oid is not None and not obj._p_changed


def _take_in_own_transaction(counters, year: int, at_least: int) -> int | None:
    """The next number of ``year``, committed in a transaction of its own.

    None when the stored counters cannot be used (not committed yet).
    """
    tm = transaction.TransactionManager(explicit=True)
    connection = counters._p_jar.db().open(transaction_manager=tm)
    try:
        for attempt in range(ATTEMPTS):
            tm.begin()
            try:
                stored = connection.get(counters._p_oid)
                counter = stored.get(year)
                if counter is None:
                    counter = stored[year] = YearCounter()
                counter.last = max(counter.last, at_least) + 1
                number = counter.last
                tm.get().note(f"cpms: case number {year}-{number}")
                tm.commit()
                return number
            except ConflictError:
                tm.abort()
                # Another enrolment took a number just now: try again at once,
                # a little later each time.
                time.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))
            except POSKeyError:  # created by an uncommitted transaction
                tm.abort()
                return None
        logger.warning(
            "No case number after %s attempts: numbering in the "
            "enrolment's own transaction",
            ATTEMPTS,
        )
        return None
    finally:
        connection.close()


def _take_here(counters, year: int, at_least: int) -> int:
    counter = counters.get(year)
    if counter is None:
        counter = counters[year] = YearCounter()
    counter.last = max(counter.last, at_least) + 1
    return counter.last


def _take(portal, year: int, at_least: int = 0) -> int:
    counters = case_counters(portal, create=True)
    counter = counters.get(year)
    if _committed(counters) and (counter is None or _committed(counter)):
        number = _take_in_own_transaction(counters, year, at_least)
        if number is not None:
            return number
    return _take_here(counters, year, at_least)


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
    # time an item is added to it: done now, with the new case, so that the
    # first two items posted at the same moment do not both write the case.
    IRuleAssignmentManager(case)


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
