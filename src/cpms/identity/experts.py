"""Experts of other networks: ``Panel Member`` on one case, until a date.

A coordinator invites an expert from outside the network (another ERN) to
one case's panel by e-mail. The expert signs in with the same identity
provider as everyone; their role on that case is a grant kept beside the
local roles, exactly like a guest clinician's (``cpms.identity.guests``):

- the role: ``ExternalExpertRoleProvider`` (borg.localrole) gives
  ``Panel Member`` only while the grant is live, so a direct URL, REST or a
  view stops answering on the first request after the end, with no job;
- searches and listings: the case and its items carry the grant as a
  ``guest:<userid>:<end>`` token of the security index
  (``cpms.identity.catalog``), which the user's searches ask for only until
  the end, so the case leaves ``@search``, ``@my-cases``, feeds and
  vocabularies at that instant;
- granting and revoking reindex the case's security in the same
  transaction and fire ``ExternalExpertGranted`` / ``ExternalExpertRevoked``
  (privacy records them, collaboration reindexes the case's people).

An expert who has no account yet gets a pending invitation kept on the site
by e-mail address with its end: their first login with that address
(OpenID Connect creates the member, or the Plone login) turns it into the
grant, as for a referrer invited as a guest (``cpms.referrals.invitations``).

The close rule (``cpms.cases.workflow``) counts an external expert's
contribution like a panel member's when it was written while their grant
was live: a grant that ended by its date is kept (it gives nothing any
more) so that the contributions made under it keep counting; a revoked
grant is dropped, and with it the count, as for a member removed from the
panel.

API::

    invite(case, email, fullname, network, until=None)  # grant or pending
    grant(case, userid, until, network, ...)            # an existing member
    revoke(case, userid_or_email)
    experts_on(case, include_ended=False)
"""

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from zope.event import notify

from cpms import _
from cpms import logger
from cpms.core import audit
from cpms.core import i18n
from cpms.core import mail
from cpms.core.annotations import annotation
from cpms.core.roles import CASE_ROLES
from cpms.core.roles import PANEL_MEMBER
from cpms.core.users import fullname as fullname_of
from cpms.core.users import redeem_on_login
from cpms.identity.events import ExternalExpertGranted
from cpms.identity.events import ExternalExpertRevoked
from cpms.identity.guests import GuestAccessError
from cpms.identity.guests import TimedGrantRoleProvider
from cpms.identity.guests import _as_datetime
from cpms.identity.guests import now

CASE_KEY = "cpms.identity.external_experts"
PENDING_KEY = "cpms.identity.pending_external_experts"
DEFAULT_DAYS = 90
MAX_DAYS = 365
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ExternalExpertError(GuestAccessError):
    """Bad input for an invitation: ``field`` names the problem."""


@dataclass(frozen=True)
class ExpertGrant:
    userid: str
    email: str
    fullname: str
    network: str
    until: datetime
    granted: datetime
    granted_by: str
    pending: bool = False

    @property
    def live(self) -> bool:
        return self.until > now()

    def as_dict(self) -> dict:
        return {
            "user": self.userid,
            "email": self.email,
            "fullname": self.fullname,
            "network": self.network,
            "until": self.until.isoformat(),
            "granted": self.granted.isoformat(),
            "granted_by": self.granted_by,
            "status": "pending"
            if self.pending
            else ("active" if self.live else "ended"),
        }


def _normal(email) -> str:
    return (email or "").strip().lower() if isinstance(email, str) else ""


def _grants(case, create=False):
    return annotation(case, CASE_KEY, PersistentMapping if create else None)


def _pending(create=False):
    return annotation(api.portal.get(), PENDING_KEY, OOBTree if create else None)


def userid_for(email: str) -> str | None:
    """The one member whose address is ``email``, else None."""
    email = _normal(email)
    if not email:
        return None
    acl = api.portal.get_tool("acl_users")
    found = {
        entry.get("userid") or entry.get("id")
        for entry in acl.searchUsers(email=email, exact_match=True)
    }
    matches = [
        userid
        for userid in found
        if (user := api.user.get(userid=userid)) is not None
        and _normal(user.getProperty("email", "")) == email
    ]
    return matches[0] if len(matches) == 1 else None


def default_until() -> datetime:
    return now() + timedelta(days=DEFAULT_DAYS)


def check_until(until) -> datetime:
    """``until`` as the moment the grant ends; refused if past or too far."""
    until = default_until() if until in (None, "") else _as_datetime(until)
    if until <= now():
        raise ExternalExpertError(
            "until", _("The end date must be in the future: choose a later date.")
        )
    if until > now() + timedelta(days=MAX_DAYS):
        raise ExternalExpertError(
            "until",
            _(
                "An external expert's access may last at most ${days} days: choose "
                "an end date on or before ${date}.",
                mapping={
                    "days": MAX_DAYS,
                    "date": (now() + timedelta(days=MAX_DAYS)).date().isoformat(),
                },
            ),
        )
    return until


def _check_text(field, value, label, limit=200) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise ExternalExpertError(field, label)
    if len(value) > limit or "\n" in value:
        raise ExternalExpertError(
            field,
            _(
                "Keep it to one line of at most ${count} characters.",
                mapping={"count": limit},
            ),
        )
    return value


def _record(case, userid, data) -> ExpertGrant:
    return ExpertGrant(
        userid=userid,
        email=data.get("email", ""),
        fullname=data.get("fullname", "") or fullname_of(userid) or userid,
        network=data.get("network", ""),
        until=data["until"],
        granted=data.get("granted"),
        granted_by=data.get("granted_by", ""),
    )


def experts_on(case, include_ended=False) -> list[ExpertGrant]:
    """The case's external experts with an account (live ones, or all whose
    grant was not revoked), soonest end first."""
    grants = _grants(case) or {}
    moment = now()
    found = [
        _record(case, userid, data)
        for userid, data in grants.items()
        if include_ended or data["until"] > moment
    ]
    return sorted(found, key=lambda g: g.until)


def pending_on(case) -> list[ExpertGrant]:
    """Invitations to the case not yet redeemed by a first login (live ones)."""
    pending = _pending()
    if not pending:
        return []
    uid, moment = case.UID(), now()
    return [
        ExpertGrant(
            userid="",
            email=email,
            fullname=entry.get("fullname", ""),
            network=entry.get("network", ""),
            until=entry["until"],
            granted=entry.get("granted"),
            granted_by=entry.get("invited_by", ""),
            pending=True,
        )
        for email, entries in pending.items()
        for entry in entries
        if entry["case_uid"] == uid and entry["until"] > moment
    ]


def grant(case, userid, until, network, granted_by=None, email="", fullname=""):
    """Give ``userid`` Panel Member on ``case`` until ``until`` (a datetime)."""
    if getattr(case, "portal_type", None) != "Case":
        raise ExternalExpertError("case", _("Guest access is given on a case."))
    grants = _grants(case, create=True)
    earlier = grants.get(userid)
    grants[userid] = PersistentMapping(
        until=until,
        network=network,
        email=email,
        fullname=fullname,
        granted_by=granted_by or api.user.get_current().getId() or "system",
        # A new grant after an ended one keeps the first start: contributions
        # of the first span keep counting (between the two the expert had no
        # role to write any).
        granted=earlier["granted"] if earlier else now(),
    )
    case.reindexObjectSecurity()
    record = _record(case, userid, grants[userid])
    logger.info("External expert %s on %s until %s", userid, case.getId(), until)
    notify(
        ExternalExpertGranted(
            case, userid, until, network=network, granted_by=record.granted_by
        )
    )
    return record


def _stored_roles(case, userid) -> set:
    return set(case.get_local_roles_for_userid(userid)) & set(CASE_ROLES)


def invite(case, email, fullname, network, until=None) -> ExpertGrant:
    """Grant (a member with that address) or keep a pending invitation; mail.

    Every field is checked before anything is stored or sent.
    """
    address = _normal(email)
    if not EMAIL.match(address):
        raise ExternalExpertError(
            "email",
            _("Give the expert's e-mail address, such as name@hospital.example."),
        )
    name = _check_text("fullname", fullname, _("Give the expert's full name."))
    network = _check_text(
        "network",
        network,
        _(
            "Give the expert's own network (the name or acronym of the other "
            "European Reference Network)."
        ),
    )
    until = check_until(until)
    actor = api.user.get_current().getId() or "system"
    userid = userid_for(address)
    if userid:
        if _stored_roles(case, userid) or userid in {
            g.userid for g in experts_on(case)
        }:
            raise ExternalExpertError(
                "email",
                _(
                    "${name} is already on this case: end their access on the "
                    "panel page first.",
                    mapping={"name": fullname_of(userid) or name},
                ),
            )
        return _grant_and_announce(case, userid, address, name, network, until, actor)
    pending = _pending(create=True)
    entries = pending.get(address)
    if entries is None:
        entries = pending[address] = PersistentList()
    for entry in list(entries):
        if entry["case_uid"] == case.UID():
            entries.remove(entry)  # a new invitation replaces the old one
    entries.append(
        PersistentMapping(
            case_uid=case.UID(),
            until=until,
            network=network,
            fullname=name,
            invited_by=actor,
            granted=now(),
        )
    )
    _announce(case, address, name, network, until, has_account=False)
    audit.record(
        case,
        "external_expert_invited",
        f"{address} ({network}) until {until.isoformat()}, account at first login",
    )
    return ExpertGrant(
        userid="",
        email=address,
        fullname=name,
        network=network,
        until=until,
        granted=now(),
        granted_by=actor,
        pending=True,
    )


def _grant_and_announce(case, userid, address, name, network, until, actor):
    result = grant(
        case, userid, until, network, granted_by=actor, email=address, fullname=name
    )
    _announce(case, address, name, network, until, has_account=True)
    audit.record(
        case,
        "external_expert_invited",
        f"{userid} ({network}) until {until.isoformat()}",
    )
    return result


def _announce(case, address, name, network, until, has_account) -> None:
    """The invitation mail, in the language of the address's account (else
    the site's): the case's link, how to sign in, until when."""
    language = i18n.address_language(address)
    say = i18n.translator(language)
    portal_url = api.portal.get().absolute_url()
    how = (
        [say(_("Sign in as usual, then open the case:")), case.absolute_url()]
        if has_account
        else [
            say(
                _(
                    "Sign in with this e-mail address (${email}) through the "
                    "portal's usual login, the same identity provider the "
                    "network uses:",
                ),
                email=address,
            ),
            f"{portal_url}/login",
            say(_("Your access to the case opens at your first sign-in:")),
            case.absolute_url(),
        ]
    )
    text = "\n".join(
        [
            say(_("Dear ${name},"), name=name),
            "",
            say(
                _(
                    "the coordinator invites you, as an expert of ${network}, to "
                    "the panel discussing the pseudonymised case ${case}. Your "
                    "contributions count as those of the panel's members."
                ),
                network=network,
                case=case.Title(),
            ),
            "",
            *how,
            "",
            say(
                _(
                    "You can see and contribute to this case only, until ${date} "
                    "(${moment} UTC); then your access ends by itself."
                ),
                date=i18n.format_date(until, language),
                moment=f"{until:%Y-%m-%d %H:%M}",
            ),
        ]
    )
    mail.send(
        address,
        say(_("Invitation to the expert panel of case ${case}"), case=case.Title()),
        text + "\n",
    )


def revoke(case, who) -> bool:
    """End an external expert's access (user id or e-mail of a pending
    invitation) now; False if there was none."""
    grants = _grants(case)
    userid = who if grants and who in grants else userid_for(who)
    if grants and userid in grants:
        del grants[userid]
        case.reindexObjectSecurity()
        logger.info("External expert %s on %s revoked", userid, case.getId())
        notify(ExternalExpertRevoked(case, userid))
        return True
    pending = _pending()
    address = _normal(who)
    if pending and address in pending:
        entries = pending[address]
        mine = [e for e in entries if e["case_uid"] == case.UID()]
        for entry in mine:
            entries.remove(entry)
        if not entries:
            del pending[address]
        if mine:
            audit.record(case, "external_expert_revoked", f"{address} (not signed in)")
            return True
    return False


def redeem(user) -> list[ExpertGrant]:
    """Turn the pending invitations of ``user``'s address into grants."""
    address = _normal(user.getProperty("email", "") if user is not None else "")
    pending = _pending()
    if not address or not pending or address not in pending:
        return []
    granted = []
    catalog = api.portal.get_tool("portal_catalog")
    for entry in list(pending[address]):
        if entry["until"] <= now():
            continue  # lapsed before the first login
        brains = catalog.unrestrictedSearchResults(UID=entry["case_uid"])
        if brains:
            granted.append(
                grant(
                    brains[0]._unrestrictedGetObject(),
                    user.getId(),
                    entry["until"],
                    entry["network"],
                    granted_by=entry["invited_by"],
                    email=address,
                    fullname=entry.get("fullname", ""),
                )
            )
    del pending[address]
    return granted


def on_login(event):
    """IUserLoggedInEvent: redeem the user's pending expert invitations."""
    redeem_on_login(event.object, redeem, "expert invitations")


def contributed_while_live(case):
    """For the close rule (``ICaseExternalExperts``): user id -> the spans
    (granted, until) of their unrevoked grants on the case."""
    return {g.userid: (g.granted, g.until) for g in experts_on(case, True)}


class ExternalExpertRoleProvider(TimedGrantRoleProvider):
    """``Panel Member`` from live external-expert grants stored on the case."""

    key = CASE_KEY
    role = PANEL_MEMBER
