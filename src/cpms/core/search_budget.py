"""A time budget for each search request, so one search cannot hold a worker.

The search views (``@search``, ``@querystring-search`` and the Classic
``@@search``) run their work inside ``search_budget()``: it sets a deadline
(the registry's ``cpms.search_time_budget_ms``, 2000 ms unless set) for the
current thread's requests. ZCatalog runs a query index by index
(``Catalog._search_index``), then sorts (``Catalog.sortResults``); both are
wrapped (core/configure.zcml, collective.monkeypatcher) to check the
deadline before they start and raise ``SearchTimeout`` once it has passed.
Outside a budget (every other catalog query: indexing, listings, the
portal's own code) the wrappers only read an unset context variable and
call ZCatalog's own method.

A single index lookup is not interrupted: the boundary already bounds what
one lookup can cost (cpms.core.boundary: at most 32 words in a search text,
1,000 characters, batches of at most 1,000), so the budget is checked
between the steps that each stay short.

The search views catch ``SearchTimeout`` and answer 503: over REST
``{"type": "SearchTimeout", "message": ...}`` (services/search/get.py), on
the Classic search page the message above an empty result list
(browser/search.py). (Raised through ZPublisher it would be a 500: the
publisher maps an exception to a status by its class name.)
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from plone import api

BUDGET_RECORD = "cpms.search_time_budget_ms"
DEFAULT_BUDGET_MS = 2000
MESSAGE = (
    "The search took too long; narrow it with fewer or longer words, "
    "a type, a state or a date range, and try again."
)

_deadline: ContextVar[float | None] = ContextVar("cpms_search_deadline", default=None)


class SearchTimeout(Exception):
    """A search ran past its time budget."""


def budget_ms() -> int:
    """The registry's budget in milliseconds (the default on older sites)."""
    try:
        value = api.portal.get_registry_record(BUDGET_RECORD, default=None)
    except api.exc.InvalidParameterError:
        value = None
    if value is None:
        return DEFAULT_BUDGET_MS
    return max(int(value), 0)


@contextmanager
def search_budget(milliseconds: int | None = None):
    """Searches inside this block stop with ``SearchTimeout`` past the budget.

    A budget already running (a search view calling another) is kept: the
    request's first deadline is the one that counts.
    """
    if _deadline.get() is not None:
        yield
        return
    if milliseconds is None:
        milliseconds = budget_ms()
    token = _deadline.set(time.monotonic() + milliseconds / 1000)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_deadline():
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() >= deadline:
        raise SearchTimeout(MESSAGE)


# Wrappers for ZCatalog's Catalog (the originals are kept by
# collective.monkeypatcher as _old_<name>).


def search_index(self, cr, index_id, query, rs):
    check_deadline()
    return self._old__search_index(cr, index_id, query, rs)


def sort_results(self, rs, sort_index, *args, **kwargs):
    check_deadline()
    return self._old_sortResults(rs, sort_index, *args, **kwargs)
