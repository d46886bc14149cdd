"""The network's look in Plone Classic UI: logo and name, colours, skip link,
member menu and footer.

Barceloneta stays the Diazo theme; these fill its slots (``#portal-logo``,
the head, ``#portal-top``, the footer portlets), registered for the add-on's
browser layer only.
"""

from plone import api
from plone.app.layout.viewlets.common import PersonalBarViewlet
from plone.app.layout.viewlets.common import ViewletBase
from plone.app.layout.viewlets.toolbar import (
    ToolbarViewletManager as BaseToolbarViewletManager,
)
from Products.CMFPlone.utils import getSiteLogo
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

from cpms.core.i18n import as_message
from cpms.core.structure import SECTIONS
from cpms.theme.settings import get_theme
from cpms.theme.settings import has_logo


class NetworkLogoViewlet(ViewletBase):
    """The network's logo and name instead of Plone's logo."""

    index = ViewPageTemplateFile("templates/logo.pt")

    def update(self):
        super().update()
        self.theme = get_theme()
        # Plone's site logo when one is set; never Plone's own logo.
        self.logo_url = getSiteLogo() if has_logo() else None


class ThemeColoursViewlet(ViewletBase):
    """The configured colours as CSS custom properties, in the page's head."""

    def render(self):
        variables = "".join(
            f"{name}:{value};" for name, value in get_theme().css_variables().items()
        )
        return f'<style id="cpms-theme-colours">:root{{{variables}}}</style>'


class SkipLinkViewlet(ViewletBase):
    """The first thing a keyboard reaches: a link to the page's content."""

    index = ViewPageTemplateFile("templates/skip_link.pt")


class MemberToolsViewlet(PersonalBarViewlet):
    """The member menu of those who see no toolbar (Plone's, made accessible:
    a real button, no ``role="menu"`` without menu items)."""

    index = ViewPageTemplateFile("templates/membertools.pt")


class NetworkFooter(BrowserView):
    """``@@cpms-footer``: the footer portlet instead of Plone's signature,
    site actions and colophon (profiles/default/portlets.xml)."""

    index = ViewPageTemplateFile("templates/footer.pt")

    def __call__(self):
        return self.index()

    def theme(self):
        return get_theme()

    def links(self):
        """The public sections (core/structure.py) that exist on this site."""
        portal = api.portal.get()
        return [
            {
                # A msgid (core/structure.py): in the reader's language.
                "title": as_message(section.title),
                "url": f"{portal.absolute_url()}/{section.id}",
            }
            for section in SECTIONS
            if section.public and section.id in portal.objectIds()
        ]


class ToolbarViewletManager(BaseToolbarViewletManager):
    """Plone's toolbar (staff only), its pin controls reachable by keyboard."""

    custom_template = ViewPageTemplateFile("templates/toolbar.pt")
