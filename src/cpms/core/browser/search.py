"""Plone's search page with the search time budget (cpms.core.search_budget).

The page asks ``results()`` from inside its main slot, after the status
messages are already rendered; so the page's own results are searched
first in ``__call__`` (and kept for the template's call), and a search past
its budget shows the budget's message above an empty result list and
answers 503.
"""

import os

from plone.app.contentlisting.interfaces import IContentListing
from plone.base.batch import Batch
from plone.base.utils import safe_int
from Products.CMFPlone.browser import search as plone_search
from Products.CMFPlone.browser.search import Search as PloneSearch
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage

from cpms.core.search_budget import MESSAGE
from cpms.core.search_budget import SearchTimeout
from cpms.core.search_budget import search_budget


class Search(PloneSearch):
    # Plone's own page template, unchanged.
    index = ViewPageTemplateFile(
        "search.pt",
        _prefix=os.path.join(os.path.dirname(plone_search.__file__), "templates"),
    )
    timed_out = False

    def __call__(self):
        self._pages = {}
        self.results(b_start=self.request.get("b_start", 0))
        if self.timed_out:
            IStatusMessage(self.request).add(MESSAGE, type="error")
            self.request.response.setStatus(503)
        return self.index()

    def results(
        self, query=None, batch=True, b_size=10, b_start=0, use_content_listing=True
    ):
        # Only the page's own search (no query given) is kept for reuse.
        key = None
        if query is None:
            key = (batch, b_size, safe_int(b_start), use_content_listing)
            pages = getattr(self, "_pages", {})
            if key in pages:
                return pages[key]
        try:
            with search_budget():
                found = super().results(
                    query=query,
                    batch=batch,
                    b_size=b_size,
                    b_start=b_start,
                    use_content_listing=use_content_listing,
                )
        except SearchTimeout:
            self.timed_out = True
            found = IContentListing([]) if use_content_listing else []
            if batch:
                found = Batch(found, b_size, 0)
        if key is not None and hasattr(self, "_pages"):
            self._pages[key] = found
        return found


class AjaxSearch(Search, plone_search.AjaxSearch):
    """Plone's live search (the search box's drop-down) within the budget:
    past it, no suggestions (the JSON says ``total: 0``); the search page
    the box leads to says why."""

    __call__ = plone_search.AjaxSearch.__call__
