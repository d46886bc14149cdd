"""Who the referral process writes to, and how it signs.

The mails themselves (texts in actions.py, workflow.py and invitations.py)
go out through cpms.core.mail: after the referral is committed, so a mail
server that is down never loses a referral or undoes a decision.
"""

from plone import api

from cpms.core import i18n
from cpms.core.users import email_of


def site_title() -> str:
    return api.portal.get_registry_record("plone.site_title", default="CPMS portal")


def role_addresses(role: str) -> list[str]:
    """Mail addresses of the users holding ``role`` site-wide (also via groups)."""
    acl = api.portal.get_tool("acl_users")
    principals = acl.portal_role_manager.listAssignedPrincipals(role)
    userids: set[str] = set()
    for principal_id, _title in principals:
        group = api.group.get(groupname=principal_id)
        if group is not None:
            userids.update(m.getId() for m in group.getGroupMembers())
        else:
            userids.add(principal_id)
    return sorted({a for a in map(email_of, userids) if a})


def referrer_language(referral) -> str:
    """The language of mails to the referrer: their account's choice if
    their address has an account, else the language they sent the form in."""
    return i18n.address_language(
        referral.clinician_email,
        default=getattr(referral, "referrer_language", None),
    )
