"""The front page's "Request access" falls back to the guides without the form."""

from zope.interface import alsoProvides
from zope.publisher.browser import TestRequest as PublisherRequest

from cpms.interfaces import ICPMSLayer
from cpms.public.browser.front_page import FrontPageView


def _request_access(portal, request):
    ways = FrontPageView(portal, request).ways_in()
    return next(way for way in ways if way["title"] == "Request access")


def test_request_access_link_falls_back_to_the_guides(portal):
    # Without the add-on's browser layer no @@request-access view exists.
    assert _request_access(portal, PublisherRequest())["url"].endswith("/guides")


def test_request_access_link_goes_to_the_form(portal):
    request = PublisherRequest()
    alsoProvides(request, ICPMSLayer)
    assert _request_access(portal, request)["url"].endswith("/@@request-access")
