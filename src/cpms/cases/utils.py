"""Finding the case of an object and the people on its panel."""

from Acquisition import aq_chain
from Acquisition import aq_inner
from plone import api
from zope.globalrequest import getRequest

from cpms.core.roles import CASE_ROLES

CASE_TYPE = "Case"


def _case_in_chain(obj):
    if obj is None:
        return None
    for item in aq_chain(aq_inner(obj)):
        if getattr(item, "portal_type", None) == CASE_TYPE:
            return item
    return None


def find_case(context):
    """The case ``context`` is, or is in.

    REST adds deserialize an object that is not yet in its container; the
    published service's context (the case) answers then.
    """
    case = _case_in_chain(context)
    if case is not None:
        return case
    request = getRequest()
    if request is None:
        return None
    published = request.get("PUBLISHED")
    case = _case_in_chain(getattr(published, "context", None))
    if case is not None:
        return case
    for parent in request.get("PARENTS", ()) or ():
        case = _case_in_chain(parent)
        if case is not None:
            return case
    return None


def case_label(case) -> str:
    """The case's ERN id and nickname: the only case detail a mail may name."""
    # The case's title is its ERN case id.
    case_id = getattr(case, "case_id", None) or case.Title() or case.getId()
    nickname = getattr(case, "nickname", None)
    return f"{case_id} ({nickname})" if nickname else str(case_id)


def local_roles(case) -> dict[str, set[str]]:
    """userid -> local roles held directly on the case (users and groups).

    Group grants are expanded to the group's members.
    """
    found: dict[str, set[str]] = {}
    for principal, roles in case.get_local_roles():
        wanted = set(roles) & set(CASE_ROLES)
        if not wanted:
            continue
        group = api.group.get(groupname=principal)
        members = (
            [u.getId() for u in api.user.get_users(group=group)]
            if group
            else [principal]
        )
        for userid in members:
            found.setdefault(userid, set()).update(wanted)
    return found


def case_people(case, roles=CASE_ROLES) -> list[str]:
    """Users holding any of ``roles`` on the case, sorted."""
    return sorted(u for u, held in local_roles(case).items() if held & set(roles))
