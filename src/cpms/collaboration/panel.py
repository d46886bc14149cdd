"""Assembling a case's panel: invite experts one by one or by expertise area.

An invitee gets the ``Panel Member`` local role on the case (and so sees it);
removing them takes it away.  Only healthcare professionals of the network may
be invited, from any centre.  Experts of an expertise area are the members of
the groups ``hcp-<provider id>`` of the providers that cover that area.
"""

from plone import api
from zope.event import notify
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.i18nmessageid import Message

from cpms import _
from cpms.cases import states
from cpms.cases.utils import local_roles
from cpms.collaboration.dashboard import PEOPLE_INDEXES
from cpms.collaboration.events import LeadAppointed
from cpms.collaboration.events import PanelMemberRemoved
from cpms.collaboration.events import PanelMembersInvited
from cpms.core import i18n
from cpms.core.roles import CASE_ROLES
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.core.roles import OWNER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import fullname
from cpms.identity import experts
from cpms.identity import guests
from cpms.identity.events import GuestRevoked

ON_CASE_ROLES = {OWNER, PANEL_LEAD, PANEL_MEMBER}


class PanelError(ValueError):
    """Bad input; the message names the problem (REST answers 400 with it).

    Given a catalogue message, ``str()`` is the message in the language of
    the current request (English without one), its ``${names}`` filled.
    """

    def __str__(self):
        return _say(self.args[0]) if self.args else ""


def _say(msg) -> str:
    """``msg`` in the current request's language, as text."""
    if isinstance(msg, Message):
        return translate(msg, context=getRequest())
    return str(msg)


def is_healthcare_professional(userid: str) -> bool:
    return HEALTHCARE_PROFESSIONAL in api.user.get_roles(username=userid)


def check_invitee(userid: str) -> None:
    if not isinstance(userid, str) or not userid:
        raise PanelError(_("userids: each entry must be a user id (a string)"))
    if api.user.get(userid=userid) is None:
        raise PanelError(_("userids: no user ${user}", mapping={"user": repr(userid)}))
    if not is_healthcare_professional(userid):
        raise PanelError(
            _(
                "userids: ${user} is not a healthcare professional of the network",
                mapping={"user": repr(userid)},
            )
        )


# A withdrawn or archived case is locked: nobody joins its panel any more
# (removing people stays possible).
LOCKED_STATES = (states.WITHDRAWN, states.ARCHIVED)


def is_locked(case) -> bool:
    return api.content.get_state(obj=case, default=None) in LOCKED_STATES


def check_open(case) -> None:
    if is_locked(case):
        state = api.content.get_state(obj=case)
        raise PanelError(
            _(
                "This case is ${state}: nobody joins its panel any more.",
                mapping={"state": i18n.as_message(state)},
            )
        )


def reindex(case) -> None:
    # plone.api's grant/revoke do not reindex security: the case and its
    # items must (dis)appear in the new member's searches at once.
    case.reindexObjectSecurity()
    case.reindexObject(idxs=PEOPLE_INDEXES)


def invite(case, userids) -> list[str]:
    """Grant Panel Member to each user; returns those newly invited.

    All ids are checked first: one bad id invites nobody.  The newly invited
    are announced with a PanelMembersInvited event (notifications mail them).
    """
    check_open(case)
    userids = list(dict.fromkeys(userids))
    if not userids:
        raise PanelError(_("userids: give at least one user id"))
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
        raise PanelError(_("expertise_area: give the UID or id of an expertise area"))
    for query in ({"UID": value}, {"id": value}, {"Title": value}):
        brains = api.content.find(
            portal_type="ExpertiseArea", unrestricted=True, **query
        )
        if brains:
            return brains[0]._unrestrictedGetObject()
    raise PanelError(
        _("expertise_area: no expertise area ${value}", mapping={"value": repr(value)})
    )


def invite_area(case, area, exclude=()) -> list[str]:
    experts = [u for u in experts_of_area(area) if u not in set(exclude)]
    if not experts:
        raise PanelError(
            _(
                "expertise_area: no healthcare professional covers ${area}",
                mapping={"area": repr(area.Title())},
            )
        )
    return invite(case, experts)


def remove(case, userid: str) -> None:
    held = local_roles(case).get(userid, set())
    if PANEL_MEMBER not in held:
        raise PanelError(
            _(
                "userid: ${user} is not a member of this panel",
                mapping={"user": repr(userid)},
            )
        )
    api.user.revoke_roles(username=userid, obj=case, roles=[PANEL_MEMBER])
    reindex(case)
    notify(PanelMemberRemoved(case, userid))


# Messages: a page or PDF translates them for its reader; JSON gives English.
ROLE_LABELS = {
    PANEL_LEAD: _("Panel lead"),
    PANEL_MEMBER: _("Panel member"),
    GUEST_CLINICIAN: _("Guest clinician"),
    OWNER: _("Enrolling clinician"),
}
ROLE_ORDER = (PANEL_LEAD, PANEL_MEMBER, GUEST_CLINICIAN, OWNER)


def external_label(network: str, day: str, language: str = "en") -> str:
    """How an expert of another network appears on the panel."""
    return i18n.translate_to(
        _(
            "External expert (network ${network}), until ${date}",
            mapping={"network": network, "date": day},
        ),
        language,
    )


def roles_on_case(case) -> dict[str, set[str]]:
    """userid -> roles on the case: stored local roles and live guest grants.

    Guest grants live beside the local roles (cpms.identity.guests) and end
    by themselves; whoever lists a case's people (panel, attendees, mails)
    reads both through here.
    """
    found = {userid: set(roles) for userid, roles in local_roles(case).items()}
    for grant in guests.grants_on(case):
        found.setdefault(grant.userid, set()).add(GUEST_CLINICIAN)
    # Experts of other networks: Panel Member while their grant lives.
    for grant in experts.experts_on(case):
        found.setdefault(grant.userid, set()).add(PANEL_MEMBER)
    return found


def people_of(case, roles=CASE_ROLES) -> list[str]:
    """Users holding any of ``roles`` on the case (live guests included)."""
    wanted = set(roles)
    return sorted(u for u, held in roles_on_case(case).items() if held & wanted)


def panel(case) -> list[dict]:
    """Everyone on the case with their roles, sorted by role then name.

    Each entry: ``userid``, ``fullname``, ``roles`` (role ids), ``labels``
    (the roles as people read them) and ``until`` (ISO date-time when a
    guest's access ends, else None), ``network`` (an expert of another
    network: their network's name, else None).
    """
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    ends = {g.userid: g.until for g in guests.grants_on(case)}
    external = {g.userid: g for g in experts.experts_on(case)}
    stored = local_roles(case)
    people = []
    for userid, roles in roles_on_case(case).items():
        roles = sorted(
            (r for r in roles if r in CASE_ROLES), key=lambda r: order.get(r, 9)
        )
        until = ends.get(userid)
        labels = [ROLE_LABELS.get(r, r) for r in roles]
        expert = external.get(userid)
        if expert is not None and not stored.get(userid):
            # Their Panel Member role is the grant's: shown as such (in
            # English here, its message filled; the page says it in the
            # reader's language from ``network`` and ``until``).
            until = until or expert.until
            labels = [external_label(expert.network, expert.until.date().isoformat())]
        people.append(
            {
                "userid": userid,
                "fullname": fullname(userid),
                "roles": roles,
                "labels": labels,
                "until": until.isoformat() if until is not None else None,
                "network": expert.network if expert is not None else None,
            }
        )
    return sorted(
        people,
        key=lambda p: (min(order.get(r, 9) for r in p["roles"]), p["fullname"]),
    )


# --- the lead, guests, removing anyone: the panel page's actions ----------
# Messages here are shown to people as they are: they name people by name.


def _person(userid: str) -> str:
    return fullname(userid) or userid


def check_professional(userid: str) -> None:
    """Refuse anyone but a healthcare professional of the network, by name."""
    if not userid or api.user.get(userid=userid) is None:
        raise PanelError(_("Choose a person from the list."))
    if not is_healthcare_professional(userid):
        raise PanelError(
            _(
                "${name} is not a healthcare professional of the network.",
                mapping={"name": _person(userid)},
            )
        )


def leads_of(case) -> list[str]:
    return sorted(
        principal for principal, roles in case.get_local_roles() if PANEL_LEAD in roles
    )


def _set_roles(case, userid: str, add=(), drop=()) -> None:
    held = set(case.get_local_roles_for_userid(userid))
    wanted = (held | set(add)) - set(drop)
    if wanted == held:
        return
    if wanted:
        case.manage_setLocalRoles(userid, sorted(wanted))
    else:
        case.manage_delLocalRoles([userid])


def appoint_lead(case, userid: str) -> list[str]:
    """Make ``userid`` the panel's lead; returns the former leads.

    A case has one lead. The former lead stays on the panel as a member (their
    contributions still count as an expert's); the new lead's membership
    becomes the lead's role. Fires LeadAppointed (notifications mail both).
    """
    check_open(case)
    check_professional(userid)
    if PANEL_LEAD in case.get_local_roles_for_userid(userid):
        raise PanelError(
            _("${name} already leads this panel.", mapping={"name": _person(userid)})
        )
    previous = [u for u in leads_of(case) if u != userid]
    for former in previous:
        _set_roles(case, former, add=[PANEL_MEMBER], drop=[PANEL_LEAD])
    _set_roles(case, userid, add=[PANEL_LEAD], drop=[PANEL_MEMBER])
    reindex(case)
    notify(LeadAppointed(case, userid, previous))
    return previous


def find_user(text: str) -> str:
    """A user id from what someone typed: a user id, a login or an email."""
    text = (text or "").strip()
    if not text:
        raise PanelError(
            _("Guest clinician: type the guest's user name or email address.")
        )
    user = api.user.get(userid=text) or api.user.get(username=text)
    if user is not None:
        return user.getId()
    acl_users = api.portal.get_tool("acl_users")
    found = {
        entry.get("userid") or entry.get("id")
        for entry in acl_users.searchUsers(email=text, exact_match=True)
    }
    matches = []
    for userid in found:
        user = api.user.get(userid=userid)
        email = (user.getProperty("email", "") or "") if user is not None else ""
        if email.strip().lower() == text.lower():
            matches.append(userid)
    if len(matches) == 1:
        return matches[0]
    raise PanelError(
        _(
            "Guest clinician: nobody with the user name or email address ${text} "
            "has an account. They need one first: ask them to log in once with "
            "EU Login, or to request access.",
            mapping={"text": repr(text)},
        )
    )


def _guest_error(error) -> PanelError:
    if error.field == "until":
        return PanelError(
            _("Access until: ${problem}", mapping={"problem": str(error)})
        )
    return PanelError(_("Guest clinician: ${problem}", mapping={"problem": str(error)}))


def add_guest(case, userid: str, until) -> guests.Grant:
    """Give ``userid`` guest access to the case until ``until`` (a date).

    Fires GuestGranted (cpms.identity.events): notifications mail the guest.
    """
    check_open(case)
    held = roles_on_case(case).get(userid, set())
    if GUEST_CLINICIAN in held:
        raise PanelError(
            _(
                "${name} is already a guest of this case: change the end date of "
                "their access instead.",
                mapping={"name": _person(userid)},
            )
        )
    if held & ON_CASE_ROLES:
        raise PanelError(
            _("${name} is already on this case.", mapping={"name": _person(userid)})
        )
    if not until:
        raise PanelError(_("Access until: choose the date the guest's access ends."))
    try:
        grant = guests.grant_guest_access(case, userid, until)
    except guests.GuestAccessError as error:
        raise _guest_error(error) from None
    case.reindexObject(idxs=PEOPLE_INDEXES)
    return grant


def change_guest_end(case, userid: str, until) -> guests.Grant:
    """Move the end of a guest's access (earlier or later, not past)."""
    if not until:
        raise PanelError(_("Access until: choose the date the guest's access ends."))
    try:
        return guests.extend_guest_access(case, userid, until)
    except guests.GuestAccessError as error:
        raise _guest_error(error) from None


def remove_person(case, userid: str) -> str:
    """Take ``userid`` off the panel, whatever their panel role; says what.

    The enrolling clinician stays: the case is theirs. Each removal fires
    its event (PanelMemberRemoved, GuestRevoked): the person is told by mail.
    """
    held = roles_on_case(case).get(userid, set())
    name = _person(userid)
    if userid in {g.userid for g in experts.experts_on(case)}:
        experts.revoke(case, userid)
        reindex(case)
        return _say(
            _(
                "${name} no longer has access to this case as an external expert.",
                mapping={"name": name},
            )
        )
    if GUEST_CLINICIAN in held:
        if not guests.revoke_guest_access(case, userid):
            # A plain local role rather than a grant (given before grants
            # existed): dropped, and the guest told all the same.
            _set_roles(case, userid, drop=[GUEST_CLINICIAN])
            notify(GuestRevoked(case, userid))
        reindex(case)
        return _say(
            _(
                "${name} no longer has guest access to this case.",
                mapping={"name": name},
            )
        )
    if PANEL_MEMBER in held:
        remove(case, userid)
        return _say(_("${name} was removed from the panel.", mapping={"name": name}))
    if PANEL_LEAD in held:
        _set_roles(case, userid, drop=[PANEL_LEAD])
        reindex(case)
        notify(PanelMemberRemoved(case, userid))
        return _say(
            _(
                "${name} no longer leads the panel. Appoint a new lead.",
                mapping={"name": name},
            )
        )
    if OWNER in held:
        raise PanelError(
            _("${name} enrolled this case and stays on it.", mapping={"name": name})
        )
    raise PanelError(_("${name} is not on this panel.", mapping={"name": name}))


def centres() -> dict[str, dict]:
    """Group id ``hcp-<provider id>`` -> {"uid", "title"} of every provider."""
    found = {}
    for brain in api.content.find(
        portal_type="HealthcareProvider", unrestricted=True, sort_on="sortable_title"
    ):
        found[f"hcp-{brain.getId}"] = {"uid": brain.UID, "title": brain.Title}
    return found


def candidates(case, text: str = "", centre: str = "", area: str = "") -> list[dict]:
    """Healthcare professionals not on the case, filtered for the panel page.

    ``text`` matches the name, user id or centre (any case); ``centre`` is a
    provider's UID; ``area`` an expertise area's UID or id (the experts of
    the providers covering it). Each: ``userid``, ``fullname``, ``centres``.
    """
    on_case = set(roles_on_case(case))
    by_group = centres()
    groups_wanted = None
    if centre:
        groups_wanted = {g for g, c in by_group.items() if c["uid"] == centre}
    if area:
        covering = {f"hcp-{p.getId()}" for p in providers_covering(find_area(area))}
        groups_wanted = covering if groups_wanted is None else groups_wanted & covering
    needle = (text or "").strip().lower()
    found = []
    for user in api.user.get_users():
        userid = user.getId()
        if userid in on_case or not is_healthcare_professional(userid):
            continue
        groups = {g.getId() for g in api.group.get_groups(user=user)}
        if groups_wanted is not None and not groups & groups_wanted:
            continue
        titles = sorted(by_group[g]["title"] for g in groups if g in by_group)
        name = fullname(userid)
        haystack = " ".join([name, userid, *titles]).lower()
        if needle and needle not in haystack:
            continue
        found.append({"userid": userid, "fullname": name, "centres": titles})
    return sorted(found, key=lambda c: (c["fullname"].lower(), c["userid"]))
