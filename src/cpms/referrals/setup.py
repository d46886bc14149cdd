"""Default-profile setup of the referral and helpdesk area (idempotent)."""

from plone import api

from cpms.referrals.forms import ensure_forms

# Who sees /referrals and its listing.  The folder is private under Plone's
# simple publication workflow, which grants nothing to Coordinator and
# Helpdesk; its own permission settings add them.  Re-applied on every run
# of the profile (a "security update" of the folder's workflow resets them).
READERS = ["Manager", "Site Administrator", "Coordinator", "Helpdesk"]


def open_referrals_to_staff(portal):
    folder = portal["referrals"]
    for permission in ("View", "Access contents information", "List folder contents"):
        folder.manage_permission(permission, roles=READERS, acquire=False)
    folder.reindexObjectSecurity()


def setup_referrals(portal=None):
    portal = portal or api.portal.get()
    open_referrals_to_staff(portal)
    ensure_forms(portal)
