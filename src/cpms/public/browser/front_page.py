"""The portal's front page: what the portal is, and the ways in."""

from html import escape

from plone import api
from Products.Five.browser import BrowserView
from zope.component import queryMultiAdapter
from zope.i18n import translate

from cpms import _
from cpms.core.i18n import as_message
from cpms.core.permissions import VIEW_STATISTICS
from cpms.core.structure import FRONT_PAGE_PARAGRAPHS
from cpms.core.structure import FRONT_PAGE_TEXT
from cpms.core.structure import SECTIONS

SECTION_TITLES = {s.id: s.title for s in SECTIONS}


class FrontPageView(BrowserView):
    def ways_in(self) -> list[dict]:
        """The calls to action, each with a one-line reason to choose it."""
        portal_url = api.portal.get().absolute_url()
        ways = [
            {
                "title": _("Refer a case"),
                "url": f"{portal_url}/refer-a-case",
                "text": _(
                    "You treat a patient outside the network and would like the "
                    "network's experts to advise you."
                ),
            },
            self._request_access(portal_url),
        ]
        if api.user.is_anonymous():
            ways.append(
                {
                    "title": _("Log in"),
                    "url": f"{portal_url}/login",
                    "text": _("You already have access to the portal."),
                }
            )
        else:
            ways.append(
                {
                    "title": _("My cases"),
                    "url": f"{portal_url}/@@my-cases",
                    "text": _("The patient panels you take part in."),
                }
            )
            if api.user.has_permission(VIEW_STATISTICS, obj=api.portal.get()):
                ways.append(
                    {
                        "title": _("Statistics"),
                        "url": f"{portal_url}/@@statistics",
                        "text": _("Anonymised figures of the network's cases."),
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
            "title": _("Request access"),
            "url": url,
            "text": _(
                "You work at a member centre and need an account to enrol "
                "patients or join panels."
            ),
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
                # The sections' words are msgids (core/structure.py): in the
                # reader's language unless staff changed them.
                "title": as_message(SECTION_TITLES[i]),
                "url": f"{portal.absolute_url()}/{i}",
                "description": as_message(portal[i].Description()),
            }
            for i in ids
            if i in portal.objectIds()
        ]

    def title(self):
        """The site's title, in the reader's language while it is the default."""
        return as_message(self.context.Title())

    def description(self):
        return as_message(self.context.Description())

    def intro(self) -> str | None:
        """The site's text (HTML). The default text comes in the reader's
        language, paragraph by paragraph; a text staff wrote stays theirs."""
        text = getattr(self.context, "text", None)
        html = getattr(text, "raw", None) or ""
        if not html:
            return None
        if " ".join(html.split()) == " ".join(FRONT_PAGE_TEXT.split()):
            return "\n".join(
                f"<p>{escape(translate(_(paragraph), context=self.request))}</p>"
                for paragraph in FRONT_PAGE_PARAGRAPHS
            )
        return text.output
