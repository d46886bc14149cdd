"""Who people are: names and addresses of portal users, for pages and mails.

The one place that turns a user id into a name or an address, so a page, a
mail, a calendar invitation and a PDF name a person the same way.
"""

import logging

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.globalrequest import getRequest
from zope.interface import alsoProvides

logger = logging.getLogger(__name__)


def fullname(userid: str | None) -> str:
    """The user's full name; the user id when there is none.

    The id is the fallback (not "Someone" or an empty string) because it
    still tells readers who acted, also for a user who has since been
    removed.  No id at all gives "" (there is nobody to name): callers
    that need words there say what fits their sentence.
    """
    if not userid:
        return ""
    user = api.user.get(userid=userid)
    name = user.getProperty("fullname", "") if user is not None else ""
    return (name or "").strip() or userid


def email_of(userid: str | None) -> str | None:
    """The user's mail address, or None (no such user, or no address)."""
    if not userid:
        return None
    user = api.user.get(userid=userid)
    address = user.getProperty("email", "") if user is not None else ""
    return (address or "").strip() or None


def redeem_on_login(user, redeem, what: str) -> list:
    """Run ``redeem(user)`` (invitations waiting for the address of a user
    who has just logged in) and return what it granted.

    Logging in never fails because of an invitation: an error is logged as
    ``what`` not redeemed. Grants made are the server's own doing on login,
    not a forged write, so the request is exempt from CSRF protection.
    """
    try:
        granted = redeem(user)
    except Exception:
        logger.exception("Pending %s of %s not redeemed", what, user.getId())
        return []
    if granted:
        request = getRequest()
        if request is not None:
            alsoProvides(request, IDisableCSRFProtection)
    return granted
