"""Languages of the portal: whose language a text is written in, and how.

Mail and PDFs are not written in the language of the request that happens to
send them: each recipient reads their own.  ``user_language`` is a member's
preferred language (the member property ``language``, personal preferences),
``address_language`` the language for a bare mail address (its account's if
it has one, else the language of the request that caused the mail, else the
site default).  ``translate_to`` renders a message in a given language (with
``${name}`` mappings filled, also for nested messages); ``format_date`` a
date in that language's locale (Babel's CLDR data).
"""

from datetime import date
from datetime import datetime

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from plone import api
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.i18nmessageid import Message

DOMAIN = "cpms"
FALLBACK = "en"


def site_language() -> str:
    """The site default (``plone.default_language``); ``en`` without one."""
    language = api.portal.get_registry_record(
        "plone.default_language", default=FALLBACK
    )
    return _short(language) or FALLBACK


def _short(language: str | None) -> str:
    # "pt-br" and "de_DE" stay what the catalogues know: the main language
    # only when the region is not a catalogue of its own.
    return (language or "").strip().replace("_", "-").lower()


def request_language(request=None) -> str:
    """The negotiated language of ``request`` (the current one by default)."""
    request = request if request is not None else getRequest()
    language = ""
    if request is not None:
        language = request.get("LANGUAGE", "") or ""
        if not language:
            from zope.i18n.negotiator import negotiator

            language = negotiator.getLanguage(_available(), request) or ""
    return _short(language) or site_language()


def _available() -> list[str]:
    languages = api.portal.get_registry_record(
        "plone.available_languages", default=[FALLBACK]
    )
    return list(languages or [FALLBACK])


def user_language(userid: str | None, default: str | None = None) -> str:
    """The language ``userid`` chose in their preferences.

    Without a choice (or an account): ``default``, else the site default.
    """
    chosen = ""
    if userid:
        user = api.user.get(userid=userid)
        if user is not None:
            chosen = user.getProperty("language", "") or ""
    return _short(chosen) or default or site_language()


def address_language(address: str | None, request=None) -> str:
    """The language for a mail to ``address``.

    The account's preferred language if an account has this address; else
    the language of ``request`` (the request that caused the mail, e.g. the
    referral form a visitor sent); else the site default.
    """
    userid = _userid_of_address(address)
    if userid:
        return user_language(userid, default=_request_or_site(request))
    return _request_or_site(request)


def _request_or_site(request) -> str:
    if request is None and getRequest() is None:
        return site_language()
    return request_language(request)


def _userid_of_address(address: str | None) -> str | None:
    address = (address or "").strip().lower()
    if not address:
        return None
    acl = api.portal.get_tool("acl_users")
    for found in acl.searchUsers(email=address, exact_match=True):
        userid = found.get("userid") or found.get("id")
        user = api.user.get(userid=userid) if userid else None
        if user is not None and (
            (user.getProperty("email", "") or "").strip().lower() == address
        ):
            return userid
    return None


def translate_to(msg, language: str) -> str:
    """``msg`` in ``language``; a plain string comes back as it is.

    Mapping values that are messages themselves are translated too.
    """
    if not isinstance(msg, Message):
        return "" if msg is None else str(msg)
    mapping = msg.mapping
    if mapping and any(isinstance(v, Message) for v in mapping.values()):
        mapping = {k: translate_to(v, language) for k, v in mapping.items()}
        msg = Message(msg, mapping=mapping)
    return translate(msg, domain=msg.domain or DOMAIN, target_language=language)


def _locale(language: str) -> str:
    return (language or FALLBACK).replace("-", "_")


def format_date(value: date | datetime | None, language: str) -> str:
    """A date as readers of ``language`` write it in prose ("3 grudnia 2026")."""
    if value is None:
        return ""
    try:
        return _babel_date(value, "long", locale=_locale(language))
    except (ValueError, LookupError):
        return _babel_date(value, "long", locale=FALLBACK)


def format_datetime(value: datetime | None, language: str, pattern="medium") -> str:
    """Date and time in ``language`` (Babel pattern name or CLDR pattern)."""
    if value is None:
        return ""
    try:
        return _babel_datetime(value, pattern, tzinfo=None, locale=_locale(language))
    except (ValueError, LookupError):
        return _babel_datetime(value, pattern, tzinfo=None, locale=FALLBACK)
