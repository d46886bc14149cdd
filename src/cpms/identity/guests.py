"""Guest clinicians: the ``Guest Clinician`` role on one case, until a date.

Grants live in an annotation on the case, not as plain local roles, and a
borg.localrole provider (``GuestRoleProvider``) hands out the role only while
a grant is live: an expired grant stops working on the very next request,
with no job running.  The catalog holds each grant as a token carrying its
end, and searches ask only for live ones (``cpms.identity.catalog``): at the
end date the case also leaves the guest's searches, listings, vocabularies,
feeds and dashboards, at that instant.  Granting, extending and revoking
reindex the case's security in the same transaction.  ``purge_expired``
(``make purge-guests``, or a cron line, see docs/identity.md) is housekeeping
only: it drops ended grants from the case, and warns guests by email a few
days before their grant ends (once); access never waits for it.

API for other features (e.g. referral acceptance)::

    grant_guest_access(case, userid, until=None)   # default length: registry
    extend_guest_access(case, userid, until)
    revoke_guest_access(case, userid)
    live_grants()                                  # every live grant
"""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from borg.localrole.interfaces import ILocalRoleProvider
from BTrees.OOBTree import OOTreeSet
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.interface import implementer

from cpms import _
from cpms import logger
from cpms.core import i18n
from cpms.core import mail
from cpms.core.annotations import annotation
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.users import email_of
from cpms.identity.events import GuestGranted
from cpms.identity.events import GuestRevoked

CASE_KEY = "cpms.identity.guests"
# On the portal: the UIDs of cases that hold grants, so nothing walks the site.
INDEX_KEY = "cpms.security.guest_cases"


class GuestAccessError(ValueError):
    """Bad input for a grant: ``field`` names the problem.

    The message is a catalogue message: ``str()`` gives it in the language
    of the current request (English without one), its ``${names}`` filled.
    """

    def __init__(self, field: str, message):
        self.field = field
        super().__init__(message)

    def __str__(self):
        message = self.args[0] if self.args else ""
        if isinstance(message, Message):
            return translate(message, context=getRequest())
        return str(message)


@dataclass(frozen=True)
class Grant:
    case_uid: str
    case_path: str
    case_title: str
    userid: str
    until: datetime
    granted_by: str
    granted: datetime

    def as_dict(self) -> dict:
        return {
            "case": self.case_uid,
            "case_path": self.case_path,
            "case_title": self.case_title,
            "user": self.userid,
            "until": self.until.isoformat(),
            "granted_by": self.granted_by,
            "granted": self.granted.isoformat(),
        }


def now() -> datetime:
    return datetime.now(UTC)


def _as_datetime(until) -> datetime:
    """A grant ends at a moment; a bare date means the end of that day (UTC)."""
    if isinstance(until, str):
        try:
            until = until.strip()
            # A bare date means "through that day".
            until = (
                date.fromisoformat(until)
                if len(until) == 10
                else datetime.fromisoformat(until)
            )
        except ValueError:
            raise GuestAccessError(
                "until",
                _(
                    "Invalid date ${value}: use YYYY-MM-DD or an ISO datetime.",
                    mapping={"value": repr(until)},
                ),
            ) from None
    if isinstance(until, datetime):
        return until if until.tzinfo else until.replace(tzinfo=UTC)
    if isinstance(until, date):
        return datetime.combine(until, time(23, 59, 59), tzinfo=UTC)
    raise GuestAccessError("until", _("A date is required."))


def _grants(case, create=False):
    return annotation(case, CASE_KEY, PersistentMapping if create else None)


def _index(create=False):
    return annotation(api.portal.get(), INDEX_KEY, OOTreeSet if create else None)


def _check_case(case):
    if case is None or getattr(case, "portal_type", None) != "Case":
        raise GuestAccessError("case", _("Guest access is given on a case."))


def _check_user(userid):
    if not userid or api.user.get(userid=userid) is None:
        raise GuestAccessError(
            "user", _("Unknown user ${user}.", mapping={"user": repr(userid)})
        )


def find_case(ref):
    """A case by UID, by path below the site, or by id in /cases."""
    ref = (ref or "").strip() if isinstance(ref, str) else ref
    if not ref:
        raise GuestAccessError("case", _("Name the case (its UID, path or id)."))
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="Case", UID=ref)
    if not brains:
        portal_path = "/".join(api.portal.get().getPhysicalPath())
        path = ref.strip("/")
        if "/" not in path:
            path = f"cases/{path}"
        brains = catalog.unrestrictedSearchResults(
            portal_type="Case", path={"query": f"{portal_path}/{path}", "depth": 0}
        )
    if not brains:
        raise GuestAccessError(
            "case", _("Unknown case ${case}.", mapping={"case": repr(ref)})
        )
    return brains[0]._unrestrictedGetObject()


def default_until() -> datetime:
    days = api.portal.get_registry_record(
        "cpms.identity.guest_default_days", default=30
    )
    return now() + timedelta(days=days)


def max_days() -> int:
    """The longest a grant may run, from now (registry: audit.xml)."""
    return api.portal.get_registry_record("cpms.identity.guest_max_days", default=180)


def _check_bound(until: datetime) -> None:
    """A guest sees a case for a bounded time: a longer end date is refused
    (the coordinator extends the grant later, which the audit records)."""
    limit = max_days()
    if until > now() + timedelta(days=limit):
        raise GuestAccessError(
            "until",
            _(
                "A guest's access may last at most ${days} days: choose an end "
                "date on or before ${date} (the grant can be extended later).",
                mapping={
                    "days": limit,
                    "date": (now() + timedelta(days=limit)).date().isoformat(),
                },
            ),
        )


def grant_guest_access(
    case, userid, until=None, granted_by=None, announced=False
) -> Grant:
    """Give ``userid`` the Guest Clinician role on ``case`` until ``until``.

    Fires GuestGranted (notifications mail the guest unless ``announced``:
    the caller tells them itself).
    """
    _check_case(case)
    _check_user(userid)
    until = default_until() if until is None else _as_datetime(until)
    if until <= now():
        raise GuestAccessError("until", _("The end date must be in the future."))
    _check_bound(until)
    grants = _grants(case, create=True)
    grants[userid] = PersistentMapping(
        until=until,
        granted_by=granted_by or api.user.get_current().getId() or "system",
        granted=now(),
        warned=False,
    )
    _index(create=True).insert(case.UID())
    case.reindexObjectSecurity()
    logger.info("Guest access to %s for %s until %s", case.getId(), userid, until)
    grant = _grant(case, userid, grants[userid])
    notify(
        GuestGranted(
            case, userid, until, granted_by=grant.granted_by, announced=announced
        )
    )
    return grant


def extend_guest_access(case, userid, until) -> Grant:
    """Move the end of an existing grant (live or expired but not purged)."""
    _check_case(case)
    grants = _grants(case)
    if not grants or userid not in grants:
        raise GuestAccessError(
            "user",
            _(
                "${user} has no guest access to this case.",
                mapping={"user": repr(userid)},
            ),
        )
    until = _as_datetime(until)
    if until <= now():
        raise GuestAccessError("until", _("The end date must be in the future."))
    _check_bound(until)
    grants[userid]["until"] = until
    grants[userid]["warned"] = False
    case.reindexObjectSecurity()
    grant = _grant(case, userid, grants[userid])
    actor = api.user.get_current().getId() or "system"
    notify(GuestGranted(case, userid, until, granted_by=actor, extended=True))
    return grant


def revoke_guest_access(case, userid) -> bool:
    """End a grant now; False if there was none."""
    _check_case(case)
    grants = _grants(case)
    if not grants or userid not in grants:
        return False
    del grants[userid]
    if not grants:
        _forget(case)
    case.reindexObjectSecurity()
    logger.info("Guest access to %s for %s revoked", case.getId(), userid)
    notify(GuestRevoked(case, userid))
    return True


def _forget(case):
    index = _index()
    if index is not None and case.UID() in index:
        index.remove(case.UID())


def _grant(case, userid, data) -> Grant:
    return Grant(
        case_uid=case.UID(),
        case_path="/".join(case.getPhysicalPath()),
        case_title=case.Title(),
        userid=userid,
        until=data["until"],
        granted_by=data.get("granted_by", ""),
        granted=data.get("granted"),
    )


def _cases():
    index = _index()
    if not index:
        return
    catalog = api.portal.get_tool("portal_catalog")
    for uid in list(index):
        brains = catalog.unrestrictedSearchResults(UID=uid)
        if brains:
            yield brains[0]._unrestrictedGetObject()
        else:  # the case is gone
            index.remove(uid)


def cases_with_grants() -> list:
    """The cases that hold grants, live or ended but not purged."""
    return list(_cases())


def grants_on(case, include_expired=False) -> list[Grant]:
    grants = _grants(case) or {}
    moment = now()
    return [
        _grant(case, userid, data)
        for userid, data in grants.items()
        if include_expired or data["until"] > moment
    ]


def live_grants(userid=None) -> list[Grant]:
    """Every live grant (optionally one user's), soonest end first."""
    result = [
        g for case in _cases() for g in grants_on(case) if userid in (None, g.userid)
    ]
    return sorted(result, key=lambda g: g.until)


def purge_expired(warn=True) -> dict:
    """Drop ended grants and send the warnings due.

    Housekeeping: an ended grant gives nothing already (neither the role nor
    a search result); dropping it keeps the annotation and the index small.
    """
    moment = now()
    warn_days = api.portal.get_registry_record(
        "cpms.identity.guest_warning_days", default=3
    )
    purged, warned = [], []
    for case in list(_cases()):
        grants = _grants(case)
        expired = [u for u, data in grants.items() if data["until"] <= moment]
        for userid in expired:
            del grants[userid]
            purged.append((case.getId(), userid))
        if expired:
            if not grants:
                _forget(case)
            case.reindexObjectSecurity()
        if not warn:
            continue
        for userid, data in grants.items():
            due = data["until"] - moment <= timedelta(days=warn_days)
            if (
                due
                and not data.get("warned")
                and _send_warning(case, userid, data["until"])
            ):
                data["warned"] = True
                warned.append((case.getId(), userid))
    if purged or warned:
        logger.info("Guest grants purged: %s; warned: %s", purged, warned)
    return {"purged": purged, "warned": warned}


def _send_warning(case, userid, until) -> bool:
    """Mail the guest that the grant ends soon; False if they have no address.

    The mail leaves after the purge's commit (cpms.core.mail), which also
    stores the grant as warned: a mail server down at that moment costs this
    one warning (logged), never the purge.
    """
    email = email_of(userid)
    if not email:
        logger.warning("Guest %s has no email: no expiry warning", userid)
        return False
    language = i18n.user_language(userid)
    say = i18n.translator(language)
    mail.send(
        email,
        say(_("Your guest access to case ${case} ends soon"), case=case.Title()),
        "\n\n".join(
            [
                say(
                    # The day as the reader writes it; the exact moment in
                    # ISO form, which no reader across borders misreads.
                    _(
                        "Your guest access to the case ${case} ends on ${date} "
                        "(${moment} UTC)."
                    ),
                    case=case.Title(),
                    date=i18n.format_date(until, language),
                    moment=f"{until:%Y-%m-%d %H:%M}",
                ),
                say(_("Case: ${url}"), url=case.absolute_url()),
                say(
                    _(
                        "If you still need it, ask the network's coordinator to "
                        "extend it."
                    )
                ),
            ]
        )
        + "\n",
    )
    return True


@implementer(ILocalRoleProvider)
class TimedGrantRoleProvider:
    """``role`` for the users whose grant, stored on the object under
    ``key`` (user id -> {"until": ...}), has not ended yet."""

    key = CASE_KEY
    role = GUEST_CLINICIAN

    def __init__(self, context):
        self.context = context

    def _live(self):
        try:
            grants = IAnnotations(self.context).get(self.key)
        except TypeError:  # not annotatable
            return set()
        if not grants:
            return set()
        moment = now()
        return {u for u, data in grants.items() if data["until"] > moment}

    def getRoles(self, principal_id):
        return (self.role,) if principal_id in self._live() else ()

    def getAllRoles(self):
        for userid in self._live():
            yield userid, (self.role,)


class GuestRoleProvider(TimedGrantRoleProvider):
    """Guest Clinician from live guest grants stored on the object."""


def on_local_roles_modified(case, event):
    """Turn a Guest Clinician role given on the Sharing tab into a grant.

    The Sharing tab (and REST ``@sharing``) stores plain local roles, which
    never end. Every guest grant must end by itself, so a plain role is
    replaced by a grant of the default length; a live grant is kept as it is.
    """
    changed = False
    for principal, roles in list(case.get_local_roles()):
        if GUEST_CLINICIAN not in roles:
            continue
        remaining = [role for role in roles if role != GUEST_CLINICIAN]
        if remaining:
            case.manage_setLocalRoles(principal, remaining)
        else:
            case.manage_delLocalRoles([principal])
        changed = True
        if principal in {g.userid for g in grants_on(case)}:
            continue
        try:
            grant_guest_access(case, principal)
        except GuestAccessError as error:
            # Groups and unknown ids cannot be guests: the role is dropped.
            logger.warning("No guest grant for %s on %s: %s", principal, case, error)
    if changed:
        case.reindexObjectSecurity()
