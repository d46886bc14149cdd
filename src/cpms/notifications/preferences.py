"""Each member chooses immediate mails or one daily digest.

Stored in an annotation of the portal (userid -> mode) rather than as a
member property, so that it works for users from any PAS plugin (OIDC too).
"""

from BTrees.OOBTree import OOBTree
from plone import api

from cpms.core.annotations import annotation

KEY = "cpms.notifications.preferences"
IMMEDIATE = "immediate"
DIGEST = "digest"
MODES = (IMMEDIATE, DIGEST)


def _storage(create=False):
    return annotation(api.portal.get(), KEY, OOBTree if create else None)


def get_mode(userid: str) -> str:
    storage = _storage()
    if storage is None:
        return IMMEDIATE
    return storage.get(userid, IMMEDIATE)


def set_mode(userid: str, mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    _storage(create=True)[userid] = mode
