"""Who may hold a role on a case: people, never groups.

A role on a case is given to one person, who is told by mail and answers for
what they do there. A group (``Logged-in users``, a centre's ``hcp-...``
group, ``Site Administrators``) would let everyone in it read a patient's
case, and whoever joins the group later, without anyone being told. So no
path gives a group a role on a case:

- the Case class refuses it in ``manage_setLocalRoles`` and
  ``manage_addLocalRoles``, which the Sharing form, REST ``@sharing`` and
  plone.api's ``grant_roles`` all end in;
- the case's Sharing view (``cases.browser.workflow.CaseSharingView``) checks
  first, so the form and REST answer with a message instead of an error page.

Taking a role away from a group (one granted before this rule) stays allowed.
"""

from AccessControl.class_init import InitializeClass
from AccessControl.Permissions import change_permissions
from AccessControl.SecurityInfo import ClassSecurityInfo
from Products.CMFCore.utils import getToolByName

# Principals of Zope and PlonePAS that are groups without being listed as
# groups everywhere (the virtual "Logged-in users" group, anonymous).
VIRTUAL_GROUPS = frozenset({"AuthenticatedUsers", "AnonymousUser", "Anonymous"})


class GroupRoleError(ValueError):
    """A role on a case was to be given to a group; the message says so."""

    def __init__(self, principal: str):
        self.principal = principal
        super().__init__(
            f"Roles on a case are given to people, not to groups: "
            f"{principal!r} is a group. Invite its members one by one, or a "
            "whole expertise area, on the case's panel page."
        )


def is_group(context, principal: str) -> bool:
    if principal in VIRTUAL_GROUPS:
        return True
    acl_users = getToolByName(context, "acl_users", None)
    if acl_users is None:
        return False
    if acl_users.getUserById(principal) is not None:
        return False
    portal_groups = getToolByName(context, "portal_groups", None)
    return (
        portal_groups is not None and portal_groups.getGroupById(principal) is not None
    )


def check_grant(context, principal: str, roles) -> None:
    """Raise GroupRoleError if ``principal`` is a group that would gain a role."""
    held = set(context.get_local_roles_for_userid(principal))
    if set(roles or ()) - held and is_group(context, principal):
        raise GroupRoleError(principal)


class PeopleOnlyLocalRoles:
    """Mixin for the Case class (before Container): local roles go to users.

    Protected like OFS's own methods; not published (no ZMI form on a case).
    """

    security = ClassSecurityInfo()

    @security.protected(change_permissions)
    def manage_setLocalRoles(self, userid, roles=(), REQUEST=None):  # noqa: N802, N803
        check_grant(self, userid, roles)
        return super().manage_setLocalRoles(userid, roles, REQUEST)

    @security.protected(change_permissions)
    def manage_addLocalRoles(self, userid, roles, REQUEST=None):  # noqa: N802, N803
        check_grant(self, userid, roles)
        return super().manage_addLocalRoles(userid, roles, REQUEST)


InitializeClass(PeopleOnlyLocalRoles)
