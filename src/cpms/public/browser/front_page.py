"""The portal's front page: what the portal is, and the ways in."""

from plone import api
from Products.Five.browser import BrowserView
from zope.component import queryMultiAdapter

from cpms.core.structure import SECTIONS

SECTION_TITLES = {s.id: s.title for s in SECTIONS}


class FrontPageView(BrowserView):
    def ways_in(self) -> list[dict]:
        """The calls to action, each with a one-line reason to choose it."""
        portal_url = api.portal.get().absolute_url()
        ways = [
            {
                "title": "Refer a case",
                "url": f"{portal_url}/refer-a-case",
                "text": "You treat a patient outside the network and would "
                "like the network's experts to advise you.",
            },
            self._request_access(portal_url),
        ]
        if api.user.is_anonymous():
            ways.append(
                {
                    "title": "Log in",
                    "url": f"{portal_url}/login",
                    "text": "You already have access to the portal.",
                }
            )
        else:
            ways.append(
                {
                    "title": "My cases",
                    "url": f"{portal_url}/@@my-cases",
                    "text": "The patient panels you take part in.",
                }
            )
        return ways

    def _request_access(self, portal_url: str) -> dict:
        """The access request form where the identity feature provides it;
        otherwise the guide that explains how to get access."""
        form = queryMultiAdapter(
            (api.portal.get(), self.request), name="request-access"
        )
        url = (
            f"{portal_url}/@@request-access"
            if form is not None
            else (f"{portal_url}/guides")
        )
        return {
            "title": "Request access",
            "url": url,
            "text": "You work at a member centre and need an account to "
            "enrol patients or join panels.",
        }

    def sections(self) -> list[dict]:
        portal = api.portal.get()
        ids = (
            "guides",
            "common-problems",
            "consent-forms",
            "network",
            "newsletter",
            "helpdesk",
        )
        return [
            {
                "title": SECTION_TITLES[i],
                "url": f"{portal.absolute_url()}/{i}",
                "description": portal[i].Description(),
            }
            for i in ids
            if i in portal.objectIds()
        ]
