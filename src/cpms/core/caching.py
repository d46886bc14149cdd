"""What caches may keep: public pages yes, anything about a person or a case never.

plone.app.caching decides per ruleset (the profile's registry/caching.xml maps
each ruleset to an operation). Two pieces here complete that policy:

- ``NeverStore``, the operation of the ``cpms.private`` ruleset: the slices
  map their case, panel, dashboard, referral, access-request and account
  views and services to that ruleset in their configure.zcml, so the
  mapping is visible where each view is registered.
- ``NeverStorePrivate``, a transform that runs after plone.caching's own one:
  whatever a ruleset said, a response to a logged-in user, about something
  an anonymous visitor may not see, or without any caching instruction, is
  marked ``private, no-store``. A view someone forgets to map, or a ruleset
  changed in the control panel, then errs on the side of not caching;
  only static resources (the same bytes for everyone) keep their headers.
"""

from email.utils import formatdate

from plone import api
from plone.app.caching.operations.utils import getContext
from plone.app.caching.operations.utils import visibleToRole
from plone.caching.interfaces import ICachingOperation
from plone.caching.interfaces import ICachingOperationType
from plone.caching.interfaces import IRulesetLookup
from plone.transformchain.interfaces import ITransform
from z3c.caching.registry import lookup
from zope.component import adapter
from zope.interface import Interface
from zope.interface import implementer
from zope.interface import provider
from zope.publisher.interfaces.http import IHTTPRequest

from cpms import _

NEVER_STORE = "private, no-store, max-age=0"
PRIVATE_RULESET = "cpms.private"

# Rulesets whose responses are the same bytes for every user (CSS, JS,
# icons): they keep the long-lived public headers plone.app.caching gives.
SHARED_RESOURCE_RULESETS = frozenset({"plone.resource", "plone.stableResource"})


def never_store(response):
    """Tell browsers and every proxy not to keep this response at all."""
    for header in ("Last-Modified", "ETag"):
        if response.getHeader(header):
            del response.headers[header.lower()]
    response.setHeader("Cache-Control", NEVER_STORE)
    response.setHeader("Expires", formatdate(0, usegmt=True))
    response.setHeader("Pragma", "no-cache")


@implementer(ICachingOperation)
@provider(ICachingOperationType)
@adapter(Interface, IHTTPRequest)
class NeverStore:
    """Caching operation of the ``cpms.private`` ruleset: never stored."""

    title = _("Never store (personal or clinical data)")
    description = _(
        "Keeps the response out of browser caches, proxies and the RAM "
        "cache: Cache-Control: private, no-store. For pages that show a case, "
        "a referral, an access request or a person's own data."
    )
    prefix = "cpms.caching.neverStore"
    sort = 6
    options = ()

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def interceptResponse(self, rulename, response):
        return None

    def modifyResponse(self, rulename, response):
        never_store(response)


@implementer(IRulesetLookup)
class ServiceOnPrivateContent:
    """Ruleset of a REST service: ``cpms.private`` on private content.

    plone.restapi gives its generic services (the content GET, @workflow,
    @actions...) one ruleset for every object; on a case, a referral or an
    access request the content's own ``cpms.private`` wins, as it does for
    a content item's default view.
    """

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def __call__(self):
        context = getContext(self.published)
        if context is not None and lookup(context) == PRIVATE_RULESET:
            return PRIVATE_RULESET
        return lookup(self.published)


def may_be_shared(published, response) -> bool:
    """May a cache hand this response to someone else?"""
    if response.getHeader("X-Cache-Rule") in SHARED_RESOURCE_RULESETS:
        return True
    if not response.getHeader("Cache-Control"):
        return False
    if api.user.is_anonymous() is False:
        return False
    context = getContext(published) if published is not None else None
    return context is not None and visibleToRole(context, role="Anonymous")


@implementer(ITransform)
@adapter(Interface, Interface)
class NeverStorePrivate:
    """Runs after plone.caching's transform (order 12000) on every response."""

    order = 12100

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def _apply(self):
        response = self.request.response
        if not may_be_shared(self.published, response):
            never_store(response)
        return None

    def transformBytes(self, result, encoding):
        return self._apply()

    def transformUnicode(self, result, encoding):
        return self._apply()

    def transformIterable(self, result, encoding):
        return self._apply()
