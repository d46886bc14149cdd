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
from zope.interface.interfaces import ComponentLookupError

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


def address_language(
    address: str | None, request=None, default: str | None = None
) -> str:
    """The language for a mail to ``address``.

    The account's preferred language if an account has this address; else
    ``default`` (e.g. the language a visitor's form was sent in, stored with
    it); else the language of ``request`` (the request causing the mail);
    else the site default.
    """
    fallback = _short(default) or _request_or_site(request)
    userid = _userid_of_address(address)
    if userid:
        return user_language(userid, default=fallback)
    return fallback


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


def as_message(text: str) -> Message:
    """A text that is itself a msgid (a workflow's state or transition title,
    marked where it is defined) as a message, so pages translate it.

    Not ``_(text)``: extraction would take the variable's name for a msgid.
    """
    return Message(text or "", domain=DOMAIN)


def translator(language: str):
    """``say(msg, **mapping)``: ``msg`` with ``mapping`` in ``language``.

    For texts of several messages written for one reader (a mail body).
    """

    def say(msg, **mapping) -> str:
        if mapping and isinstance(msg, Message):
            msg = Message(msg, mapping=mapping)
        return translate_to(msg, language)

    return say


def _locale(language: str) -> str:
    # English in a European portal is written the British way: "10 March
    # 2027", day before month (CLDR's plain "en" is American).
    language = (language or FALLBACK).replace("-", "_")
    return "en_GB" if language == "en" else language


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


# --- the language of a page ------------------------------------------------
#
# Plone negotiates a request's language before anyone is signed in (at the
# site's traversal): the switcher's cookie, else Accept-Language, else the
# default. A signed-in member's own choice (personal preferences) is known
# only once the request is authenticated, after traversal; then it wins.

#: The languages' names in their own language, for the header's switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "es": "Español",
    "nl": "Nederlands",
    "pl": "Polski",
}


def available_languages() -> list[str]:
    """The portal's languages (``plone.available_languages``), default first."""
    default = site_language()
    languages = [_short(language) for language in _available()]
    return [default] + [language for language in languages if language != default]


def prefer_member_language(event) -> None:
    """A signed-in member reads the pages in their preferred language.

    Subscribed to ``IPubAfterTraversal``: re-binds the language Plone
    negotiated (``LANGUAGE`` and ``LANGUAGE_TOOL``, which templates and
    ``<html lang>`` read) when the member chose one of the portal's languages.
    """
    request = event.request
    binding = request.get("LANGUAGE_TOOL", None)
    if binding is None or not hasattr(binding, "LANGUAGE"):
        return  # not a request to a Plone site
    try:
        if api.user.is_anonymous():
            return
        member = api.user.get_current()
    except api.exc.CannotGetPortalError:
        return
    chosen = _short(member.getProperty("language", "") or "")
    if chosen and chosen != binding.LANGUAGE and chosen in _available():
        binding.LANGUAGE = chosen
        request["LANGUAGE"] = chosen


def format_number(value, language: str, decimals: int | None = None) -> str:
    """A number as readers of ``language`` write it ("1.234,5" in German)."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    pattern = None
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    try:
        return format_decimal(value, format=pattern, locale=_locale(language))
    except (ValueError, LookupError):
        return format_decimal(value, format=pattern, locale=FALLBACK)


def translate_here(msg, request=None) -> str:
    """``msg`` as plain text in the language of the current request.

    For messages that leave as plain strings (exception texts that code
    elsewhere turns into ``str``, e.g. workflow guards' ``WorkflowException``):
    ``str()`` of a message would be its English msgid with ``${name}``
    placeholders unfilled.
    """
    request = request if request is not None else getRequest()
    try:
        language = request_language(request)
    except (ComponentLookupError, api.exc.CannotGetPortalError):
        language = FALLBACK  # outside a site (scripts, plain unit tests)
    return translate_to(msg, language)
