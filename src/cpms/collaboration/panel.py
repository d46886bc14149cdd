"""Assembling a case's panel: invite experts one by one or by expertise area.

An invitee gets the ``Panel Member`` local role on the case (and so sees it);
removing them takes it away.  Only healthcare professionals of the network may
be invited, from any centre.  Experts of an expertise area are the members of
the groups ``hcp-<provider id>`` of the providers that cover that area.
"""

from plone import api
from zope.event import notify

from cpms.cases.utils import local_roles
from cpms.collaboration.events import PanelMemberRemoved
from cpms.collaboration.events import PanelMembersInvited
from cpms.core.roles import CASE_ROLES
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import fullname

ON_CASE_ROLES = {OWNER, PANEL_LEAD, PANEL_MEMBER}


class PanelError(ValueError):
    """Bad input; the message names the problem (REST answers 400 with it)."""


def is_healthcare_professional(userid: str) -> bool:
    return HEALTHCARE_PROFESSIONAL in api.user.get_roles(username=userid)


def check_invitee(userid: str) -> None:
    if not isinstance(userid, str) or not userid:
        raise PanelError("userids: each entry must be a user id (a string)")
    if api.user.get(userid=userid) is None:
        raise PanelError(f"userids: no user {userid!r}")
    if not is_healthcare_professional(userid):
        raise PanelError(
            f"userids: {userid!r} is not a healthcare professional of the network"
        )


def reindex(case) -> None:
    # plone.api's grant/revoke do not reindex security: the case and its
    # items must (dis)appear in the new member's searches at once.
    case.reindexObjectSecurity()
    case.reindexObject(idxs=["case_people"])


def invite(case, userids) -> list[str]:
    """Grant Panel Member to each user; returns those newly invited.

    All ids are checked first: one bad id invites nobody.  The newly invited
    are announced with a PanelMembersInvited event (notifications mail them).
    """
    userids = list(dict.fromkeys(userids))
    if not userids:
        raise PanelError("userids: give at least one user id")
    for userid in userids:
        check_invitee(userid)
    current = local_roles(case)
    # Already on the case (lead, member, or its referring clinician): skipped.
    new = [u for u in userids if not current.get(u, set()) & ON_CASE_ROLES]
    for userid in new:
        # username=, never user=: user= would drop the other local roles.
        api.user.grant_roles(username=userid, obj=case, roles=[PANEL_MEMBER])
    if new:
        reindex(case)
        notify(PanelMembersInvited(case, new))
    return new


def _area_key(area) -> set[str]:
    return {area.UID(), area.getId()}


def providers_covering(area) -> list:
    """The healthcare providers whose expertise areas include ``area``."""
    keys = _area_key(area)
    found = []
    for brain in api.content.find(portal_type="HealthcareProvider", unrestricted=True):
        provider = brain._unrestrictedGetObject()
        areas = getattr(provider, "expertise_areas", None) or ()
        values = set()
        for item in areas:
            # A relation value, a UID or an id: accept each.
            target = getattr(item, "to_object", None)
            if target is not None:
                values |= _area_key(target)
            else:
                values.add(str(item))
        if values & keys:
            found.append(provider)
    return found


def experts_of_area(area) -> list[str]:
    """Healthcare professionals of the providers covering ``area``."""
    experts = set()
    for provider in providers_covering(area):
        group = api.group.get(groupname=f"hcp-{provider.getId()}")
        if group is None:
            continue
        for user in api.user.get_users(group=group):
            if is_healthcare_professional(user.getId()):
                experts.add(user.getId())
    return sorted(experts)


def find_area(value: str):
    """An ExpertiseArea by UID, id or exact title."""
    if not isinstance(value, str) or not value:
        raise PanelError("expertise_area: give the UID or id of an expertise area")
    for query in ({"UID": value}, {"id": value}, {"Title": value}):
        brains = api.content.find(
            portal_type="ExpertiseArea", unrestricted=True, **query
        )
        if brains:
            return brains[0]._unrestrictedGetObject()
    raise PanelError(f"expertise_area: no expertise area {value!r}")


def invite_area(case, area, exclude=()) -> list[str]:
    experts = [u for u in experts_of_area(area) if u not in set(exclude)]
    if not experts:
        raise PanelError(
            f"expertise_area: no healthcare professional covers {area.Title()!r}"
        )
    return invite(case, experts)


def remove(case, userid: str) -> None:
    held = local_roles(case).get(userid, set())
    if PANEL_MEMBER not in held:
        raise PanelError(f"userid: {userid!r} is not a member of this panel")
    api.user.revoke_roles(username=userid, obj=case, roles=[PANEL_MEMBER])
    reindex(case)
    notify(PanelMemberRemoved(case, userid))


def panel(case) -> list[dict]:
    """Everyone on the case with their roles, sorted by role then name."""
    order = {role: i for i, role in enumerate((PANEL_LEAD, PANEL_MEMBER))}
    people = []
    for userid, roles in local_roles(case).items():
        roles = sorted(r for r in roles if r in CASE_ROLES)
        people.append(
            {
                "userid": userid,
                "fullname": fullname(userid),
                "roles": roles,
            }
        )
    return sorted(
        people,
        key=lambda p: (min(order.get(r, 9) for r in p["roles"]), p["fullname"]),
    )
