"""Opaque names for cases a user may not see.

``@similar-cases`` counts the similar cases elsewhere in the network that the
asking user cannot view. To ask their clinicians for contact, the user needs
a handle on each of them that says nothing: not the case id, not its UID, and
not the same handle seen from another case (else two answers could be joined
into a profile of the hidden case). A token is a keyed hash of the pair
(asking case, hidden case), keyed by the site's own secret (plone.keyring's
``_system`` ring, which Plone does not rotate by itself); it cannot be turned
back into the case, only recognised among candidates.
"""

import base64
import hashlib
import hmac

from plone.keyring.interfaces import IKeyManager
from zope.component import getUtility


def _secret() -> bytes:
    return getUtility(IKeyManager).secret().encode()


def token_for(source_uid: str, target_uid: str) -> str:
    """The token naming ``target_uid`` as seen from the case ``source_uid``."""
    digest = hmac.new(
        _secret(), f"{source_uid}:{target_uid}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def resolve(source_uid: str, token: str, candidate_uids) -> str | None:
    """The one of ``candidate_uids`` that ``token`` names, or None."""
    for uid in candidate_uids:
        if hmac.compare_digest(token_for(source_uid, uid), token or ""):
            return uid
    return None
