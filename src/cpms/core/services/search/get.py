"""``@search`` and ``@querystring-search``: plone.restapi's own, answering a
malformed query with 400 instead of 500.

plone.restapi passes the query's values to the catalog's indexes, which fail
on values of the wrong kind with whatever the index raises: ``ValueError``
(``sort_limit=x``, ``path.depth=x``), plone.restapi's
``QueryParsingError`` (``modified=x``, ``is_folderish=x``, an ``operator``
without a ``query``), ZCTextIndex's ``ParseError`` (a ``SearchableText`` of
stop words only), ``ComponentLookupError`` (an index without a query
parser, ``getObjPositionInParent=x``), ``TypeError`` or ``AttributeError``
(``@querystring-search`` with ``"query": 5``). Each is the client's mistake,
answered as ``BadRequest``. The values that reach here are already checked
by the boundary (cpms.core.boundary): valid Unicode, bounded batches and
search terms.

Each search runs within the request's time budget
(cpms.core.search_budget): past it, the answer is 503
``{"type": "SearchTimeout", ...}``, never a worker held for seconds.
"""

from plone.restapi.exceptions import QueryParsingError
from plone.restapi.services.querystringsearch.get import QuerystringSearchGet
from plone.restapi.services.querystringsearch.get import QuerystringSearchPost
from plone.restapi.services.search.get import SearchGet
from Products.ZCTextIndex.ParseTree import ParseError
from zExceptions import BadRequest
from zope.interface.interfaces import ComponentLookupError

from cpms import _
from cpms.core.i18n import translate_here
from cpms.core.search_budget import MESSAGE
from cpms.core.search_budget import SearchTimeout
from cpms.core.search_budget import search_budget

QUERY_ERRORS = (
    QueryParsingError,
    ParseError,
    ComponentLookupError,
    ValueError,
    TypeError,
    AttributeError,
    AssertionError,
    KeyError,
)


def guarded(request, reply):
    try:
        with search_budget():
            return reply()
    except SearchTimeout:
        # The portal's one error shape, answered by the service itself.
        request.response.setStatus(503)
        return {"type": "SearchTimeout", "message": MESSAGE}
    except QUERY_ERRORS as error:
        raise BadRequest(
            translate_here(
                _(
                    "The search query is not valid: ${error}",
                    mapping={"error": str(error)},
                )
            )
        ) from None


class Search(SearchGet):
    def reply(self):
        return guarded(self.request, super().reply)


class QuerystringSearchByPost(QuerystringSearchPost):
    def reply(self):
        return guarded(self.request, super().reply)


class QuerystringSearchByGet(QuerystringSearchGet):
    def reply(self):
        return guarded(self.request, super().reply)
