"""The portal's front page: what the portal is, and the ways in."""

from plone import api
from Products.Five.browser import BrowserView

from cpms.structure import SECTIONS

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
            {
                "title": "Request access",
                "url": f"{portal_url}/guides",
                "text": "You work at a member centre and need an account: the "
                "guides show how to get one.",
            },
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
                    "url": f"{portal_url}/cases",
                    "text": "The patient panels you take part in.",
                }
            )
        return ways

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
