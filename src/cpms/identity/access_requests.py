"""Access requests: creating them on the requester's behalf, and deciding them.

Members cannot add content in /access-requests themselves (it is private);
``create_access_request`` adds the request for the current user, who becomes
its Owner and so the only one besides coordinators to see it
(cpms_access_request_workflow).  Approval (``approve`` transition) grants the
profile's site-wide role and membership of the provider's group
``hcp-<provider id>``; both decisions are mailed to the requester.
"""

from plone import api
from plone.i18n.normalizer.interfaces import IIDNormalizer
from zope.component import getUtility
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import Invalid
from zope.schema import ValidationError

from cpms import _
from cpms import logger
from cpms.core import i18n
from cpms.core import mail
from cpms.core import roles
from cpms.core.users import email_of
from cpms.core.users import fullname
from cpms.identity import states
from cpms.identity.content.access_request import PROFILES
from cpms.identity.content.access_request import IAccessRequest
from cpms.identity.content.access_request import find_provider

FOLDER_ID = "access-requests"
# Roles that mean "already authorised": such users skip "Request access".
CLINICAL_ROLES = frozenset(role for _label, role in PROFILES.values()) | {
    roles.MANAGER,
    roles.SITE_ADMINISTRATOR,
}


class AccessRequestError(ValueError):
    """Bad input: ``errors`` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def group_id_for(provider) -> str:
    return f"hcp-{provider.getId()}"


def _message(exc) -> str:
    msg = exc.args[0] if exc.args else exc.doc()
    return translate(msg, context=getRequest())


def validate(data: dict) -> dict:
    """Check a request's fields; return the clean values or raise."""
    errors = {}
    clean = {}
    for name in ("healthcare_provider", "profile", "justification"):
        field = IAccessRequest[name]
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        if not value:
            errors[name] = f"{field.title} is required."
            continue
        try:
            field.validate(value)
        except (ValidationError, Invalid) as exc:
            if name == "profile":
                errors[name] = (
                    f"Unknown profile {value!r}: choose one of "
                    + ", ".join(sorted(PROFILES))
                    + "."
                )
            elif name == "justification":
                errors[name] = "Please explain your need in at least 10 characters."
            else:
                errors[name] = _message(exc)
            continue
        clean[name] = value
    if errors:
        raise AccessRequestError(errors)
    return clean


def requests_of(userid: str, review_state=None):
    """The access requests a user made, newest first (unrestricted lookup)."""
    catalog = api.portal.get_tool("portal_catalog")
    query = {"portal_type": "AccessRequest", "Creator": userid}
    if review_state:
        query["review_state"] = review_state
    brains = catalog.unrestrictedSearchResults(
        sort_on="created", sort_order="descending", **query
    )
    return [b._unrestrictedGetObject() for b in brains]


def pending_requests():
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type="AccessRequest", review_state=states.PENDING, sort_on="created"
    )
    return [b._unrestrictedGetObject() for b in brains]


def create_access_request(data: dict, userid: str | None = None):
    """Create a pending request for the current user; return it.

    A second request while one is pending is refused (the first one still
    waits for a coordinator).
    """
    clean = validate(data)
    user = api.user.get_current() if userid is None else api.user.get(userid=userid)
    if user is None or api.user.is_anonymous() and userid is None:
        raise AccessRequestError({"user": "Log in before requesting access."})
    userid = user.getId()
    if requests_of(userid, review_state=states.PENDING):
        raise AccessRequestError(
            {
                "request": "You already have a pending access request; a "
                "coordinator will answer it soon."
            }
        )
    provider = find_provider(clean["healthcare_provider"])
    portal = api.portal.get()
    with api.env.adopt_roles([roles.MANAGER]):
        obj = api.content.create(
            container=portal[FOLDER_ID],
            type="AccessRequest",
            id=_normalize(f"{userid}-{clean['profile']}"),
            title=(
                f"{fullname(userid)}: {PROFILES[clean['profile']][0]} "
                f"at {provider.Title()}"
            ),
            healthcare_provider=provider.UID(),
            profile=clean["profile"],
            justification=clean["justification"],
            safe_id=True,
        )
        obj.requester = userid
        obj.setCreators([userid])
        # The requester owns the request (and so may see it), whoever ran this.
        obj.changeOwnership(user.getUser() if hasattr(user, "getUser") else user)
        # Only the requester: not whoever ran this on their behalf.
        others = [u for u, _r in obj.get_local_roles() if u != userid]
        if others:
            obj.manage_delLocalRoles(others)
        obj.manage_setLocalRoles(userid, [roles.OWNER])
        obj.reindexObject()
        obj.reindexObjectSecurity()
    logger.info("Access request %s by %s", obj.getId(), userid)
    return obj


def _normalize(text: str) -> str:
    return getUtility(IIDNormalizer).normalize(text, max_length=80)


def on_transition(obj, event):
    """Apply a coordinator's decision and tell the requester."""
    if event.transition is None:
        return
    action = event.transition.id
    if action not in (states.APPROVE, states.REJECT):
        return
    comment = (event.kwargs or {}).get("comment") or (event.status or {}).get(
        "comments", ""
    )
    obj.decision_message = (comment or "").strip()
    if action == states.APPROVE:
        grant_profile(obj)
    notify_requester(obj, approved=action == states.APPROVE)
    obj.reindexObject()


def grant_profile(obj):
    userid = obj.requester
    role = PROFILES[obj.profile][1]
    user = api.user.get(userid=userid)
    if user is None:
        logger.warning("Access request %s: user %s is gone", obj.getId(), userid)
        return
    # username=, not user=: user= would also wipe the user's local roles.
    api.user.grant_roles(username=userid, roles=[role])
    provider = obj.provider()
    if provider is not None:
        group_id = group_id_for(provider)
        if api.group.get(groupname=group_id) is None:
            api.group.create(
                groupname=group_id,
                title=provider.Title(),
                description=f"Professionals of {provider.Title()}.",
            )
        api.group.add_user(groupname=group_id, username=userid)


def notify_requester(obj, approved: bool):
    """Mail the decision to the requester, after the decision is committed."""
    email = email_of(obj.requester)
    if not email:
        logger.warning("Access request %s: requester has no email", obj.getId())
        return
    portal_url = api.portal.get().absolute_url()
    say = i18n.translator(i18n.user_language(obj.requester))
    where = {"profile": obj.profile_label(), "centre": obj.provider_title()}
    if approved:
        subject = say(_("Your access request was approved"))
        body = "\n\n".join(
            [
                say(
                    _(
                        "Your request for the profile ${profile} at ${centre} "
                        "was approved."
                    ),
                    **where,
                ),
                say(
                    _("You can now log in at ${url} and use the portal."),
                    url=portal_url,
                ),
            ]
        )
    else:
        subject = say(_("Your access request was not approved"))
        body = say(
            _("Your request for the profile ${profile} at ${centre} was not approved."),
            **where,
        )
    if obj.decision_message:
        body += "\n\n" + say(_("Message from the coordinator:"))
        body += f"\n{obj.decision_message}"
    body += "\n\n" + say(
        _("Your requests: ${url}"), url=f"{portal_url}/@@request-access"
    )
    body += "\n"
    mail.send(email, subject, body)
