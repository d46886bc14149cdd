"""Field validators of the easyforms (named ``IFieldValidator`` utilities),
and the signed time the spam check of cpms.referrals.actions reads.

A form field names them in its model: ``easyform:validators="cpms.eu_eea_country"``.
Each returns an error message, or None when the value is fine.
"""

import hashlib
import hmac
import time

from collective.easyform.interfaces import IFieldValidator
from plone import api
from plone.keyring.interfaces import IKeyManager
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import provider

from cpms import _
from cpms.core import identifiers
from cpms.referrals.vocabularies import OTHER_COUNTRY

OUTSIDE_EU_EEA = _(
    "The network can only take referrals from healthcare providers in a member "
    "state of the European Union or the European Economic Area. Please ask the "
    "national contact point for cross-border healthcare of your country which "
    "expert services are open to you, or write to our helpdesk (see the "
    "Helpdesk page) and we will tell you where to turn."
)


@provider(IFieldValidator)
def eu_eea_country(value, **kwargs):
    if value == OTHER_COUNTRY:
        return OUTSIDE_EU_EEA


@provider(IFieldValidator)
def no_identifiers(value, **kwargs):
    """The case's own rule (cpms.core.validation), so that what the form
    accepts fits the case an accepted referral becomes."""
    findings = identifiers.refusals(value or "")
    if findings:
        finding = findings[0]
        return _(
            "referral_identifier_found",
            default='This looks like ${what}: "${found}". ${fix} Please leave '
            "out anything that identifies the patient directly: describe the "
            "patient with age, sex and clinical facts only.",
            mapping={
                "what": identifiers.describe(finding),
                "found": finding.text,
                "fix": translate(finding.how_to_fix),
            },
        )


@provider(IFieldValidator)
def stays_empty(value, **kwargs):
    """The honeypot: hidden from people, filled in by spam robots."""
    if value:
        return _("This field must stay empty.")


# --- time check: the form carries a signed timestamp of when it was shown ----


def _secret() -> bytes:
    return getUtility(IKeyManager).secret().encode()


def _sign(stamp: str) -> str:
    return hmac.new(_secret(), stamp.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(now: float | None = None) -> str:
    # Milliseconds: a seconds stamp would make a quick robot look up to a
    # second slower than it is.
    stamp = str(int((now if now is not None else time.time()) * 1000))
    return f"{stamp}.{_sign(stamp)}"


def token_age(token: str, now: float | None = None) -> float | None:
    """Seconds since the token was made, or None if it is not one of ours."""
    stamp, _dot, signature = (token or "").partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(signature, _sign(stamp)):
        return None
    return (now if now is not None else time.time()) - int(stamp) / 1000


def min_fill_seconds() -> int:
    return api.portal.get_registry_record("cpms.form_min_fill_seconds", default=3)
