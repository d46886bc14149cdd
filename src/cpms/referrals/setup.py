"""Default-profile setup of the referral and helpdesk area (idempotent)."""

from plone import api

from cpms.referrals.forms import ensure_forms


def setup_referrals(portal=None):
    # Who sees /referrals: its Section's readers in cpms.core.structure.
    portal = portal or api.portal.get()
    ensure_forms(portal)
