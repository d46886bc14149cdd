"""The header's language switcher and ``@@switch-language`` behind it.

Anyone may pick a language: it is kept in Plone's language cookie
(``I18N_LANGUAGE``, read by Plone's negotiator before Accept-Language). A
signed-in member's pick is also stored as their preferred language (the
member property ``language`` of the personal preferences), which wins over
the browser on every device (``cpms.core.i18n.prefer_member_language``) and
is the language of their mails.
"""

from html import escape
from html import unescape
from urllib.parse import urlencode
from urllib.parse import urlsplit

from plone import api
from plone.app.layout.viewlets.common import GlobalSectionsViewlet
from plone.app.layout.viewlets.common import PathBarViewlet
from plone.app.layout.viewlets.common import ViewletBase
from plone.protect import CheckAuthenticator
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate
from zope.interface import alsoProvides

from cpms import _
from cpms.core.i18n import LANGUAGE_NAMES
from cpms.core.i18n import available_languages
from cpms.core.i18n import request_language
from cpms.core.i18n import translate_here

COOKIE = "I18N_LANGUAGE"


class LanguageSwitcherViewlet(ViewletBase):
    """Each of the portal's languages, named in itself, as a link."""

    index = ViewPageTemplateFile("templates/language_switcher.pt")

    def update(self):
        super().update()
        self.current = request_language(self.request)
        self.current_name = LANGUAGE_NAMES.get(self.current, self.current)
        portal_url = api.portal.get().absolute_url()
        came_from = self.request.get("ACTUAL_URL", "") or portal_url
        query = self.request.get("QUERY_STRING", "")
        if query:
            came_from = f"{came_from}?{query}"
        token = self._token()
        self.languages = [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "current": code == self.current,
                "url": f"{portal_url}/@@switch-language?"
                + urlencode(
                    {"language": code, "came_from": came_from, "_authenticator": token}
                ),
            }
            for code in available_languages()
        ]

    def _token(self) -> str:
        authenticator = api.content.get_view(
            "authenticator", api.portal.get(), self.request
        )
        return authenticator.token()


class SwitchLanguage(BrowserView):
    """``@@switch-language?language=de&came_from=<url>``: pick a language."""

    def __call__(self):
        language = (self.request.form.get("language") or "").strip().lower()
        if language not in available_languages():
            # A page of its own, not Zope's error page, which hides the text.
            self.request.response.setStatus(400)
            self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return translate_here(
                _(
                    "language: choose one of ${languages}.",
                    mapping={"languages": ", ".join(available_languages())},
                )
            )
        portal = api.portal.get()
        self.request.response.setCookie(
            COOKIE, language, path="/", max_age=365 * 24 * 3600, same_site="Lax"
        )
        if not api.user.is_anonymous():
            # A link carries the token (the member's data changes on a GET).
            CheckAuthenticator(self.request)
            alsoProvides(self.request, IDisableCSRFProtection)
            api.user.get_current().setMemberProperties({"language": language})
        self.request.response.redirect(self._back(portal.absolute_url()))
        return ""

    def _back(self, portal_url: str) -> str:
        came_from = self.request.form.get("came_from") or ""
        # Only back into this portal, never to another site.
        target, home = urlsplit(came_from), urlsplit(portal_url)
        if came_from and (target.scheme, target.netloc) == (home.scheme, home.netloc):
            return came_from
        return portal_url


class NetworkSectionsViewlet(GlobalSectionsViewlet):
    """Plone's navigation bar, its section titles in the reader's language.

    The sections' titles are msgids of the catalogue (``core/structure.py``);
    a title staff changed has no translation and stays as they wrote it.
    """

    def _translated(self, entry):
        title = unescape(entry.get("title") or "")
        if title:
            entry["title"] = escape(
                translate(title, domain="cpms", context=self.request)
            )

    def customize_tab(self, entry, tab):
        super().customize_tab(entry, tab)
        self._translated(entry)

    def customize_entry(self, entry, brain):
        super().customize_entry(entry, brain)
        self._translated(entry)


class NetworkPathBarViewlet(PathBarViewlet):
    """Plone's breadcrumbs, the sections' titles in the reader's language."""

    def update(self):
        super().update()
        self.breadcrumbs = [
            {
                **crumb,
                "Title": translate(
                    crumb.get("Title") or "", domain="cpms", context=self.request
                ),
            }
            for crumb in self.breadcrumbs
        ]


class NoPloneLanguageSelector(ViewletBase):
    """Plone's own language selector, which cookie negotiation switches on:
    the header already has ours (one list, one id, the member's choice kept)."""

    def render(self):
        return ""
