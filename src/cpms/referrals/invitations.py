"""The guest invitation of an accepted referral.

The referrer gets the ``Guest Clinician`` role on the new case for a limited
time (cpms.identity.guests, default length from its registry record).  A
referrer with an account (matched by email) is granted at once.  One without
an account yet gets a pending invitation, kept on the site by email address
with its end date: the first login with that address (EU Login or the Plone
login) turns it into a grant.  An invitation that ends before that login
lapses.
"""

from datetime import datetime

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api

from cpms import _
from cpms import logger
from cpms.core import i18n
from cpms.core import mail
from cpms.core.annotations import annotation
from cpms.core.users import redeem_on_login
from cpms.identity import guests
from cpms.referrals.mail import referrer_language
from cpms.referrals.mail import site_title

PENDING_KEY = "cpms.referrals.pending_invitations"


def _normal(email: str) -> str:
    return (email or "").strip().lower()


def userid_for(email: str) -> str | None:
    """The user whose email is ``email`` (exactly one), or None."""
    email = _normal(email)
    if not email:
        return None
    acl = api.portal.get_tool("acl_users")
    found = {
        u.get("userid") or u.get("id")
        for u in acl.searchUsers(email=email, exact_match=True)
        if _normal(u.get("email", "")) in ("", email)
    }
    # searchUsers may match loosely on some plugins; check the property.
    matches = []
    for userid in found:
        user = api.user.get(userid=userid)
        if user is not None and _normal(user.getProperty("email", "")) == email:
            matches.append(userid)
    if len(matches) > 1:
        logger.warning("Several users have the address of a referrer; none chosen")
        return None
    return matches[0] if matches else None


def _pending(create=False):
    return annotation(api.portal.get(), PENDING_KEY, OOBTree if create else None)


def pending_for(email: str) -> list[dict]:
    pending = _pending()
    return [dict(i) for i in pending.get(_normal(email), ())] if pending else []


def invite(referral, case) -> str:
    """Grant or invite the referrer; mail them; say what was done."""
    email = referral.clinician_email
    userid = userid_for(email)
    actor = api.user.get_current().getId() or "system"
    portal_url = api.portal.get().absolute_url()
    language = referrer_language(referral)
    say = i18n.translator(language)
    if userid:
        # This mail announces the grant: no second "guest access" mail.
        grant = guests.grant_guest_access(
            case, userid, granted_by=actor, announced=True
        )
        until = grant.until
        how = [
            say(
                _(
                    "You can now work on the case in the portal as a guest "
                    "clinician, until ${date}:"
                ),
                date=i18n.format_date(until, language),
            ),
            case.absolute_url(),
        ]
        record = f"Guest access for {userid} until {until:%Y-%m-%d}"
    else:
        until = guests.default_until()
        pending = _pending(create=True)
        entries = pending.get(_normal(email))
        if entries is None:
            entries = pending[_normal(email)] = PersistentList()
        entries.append(
            PersistentMapping(
                case_uid=case.UID(),
                referral_uid=referral.UID(),
                until=until,
                invited_by=actor,
            )
        )
        how = [
            say(
                _(
                    "To work on the case in the portal as a guest clinician, log "
                    "in with this email address (${email}) before ${date}:"
                ),
                email=email,
                date=i18n.format_date(until, language),
            ),
            f"{portal_url}/login",
            say(
                _(
                    "Your access to the case opens at your first login and lasts "
                    "until that date."
                )
            ),
        ]
        record = f"Invitation sent to {email}, open until {until:%Y-%m-%d}"
    text = "\n".join(
        [
            say(_("Dear ${name},"), name=referral.clinician_name),
            "",
            say(
                _(
                    "the network accepted your referral ${id}: a panel of "
                    "experts will discuss the case."
                ),
                id=referral.getId(),
            ),
            "",
            *how,
            "",
            say(
                _(
                    "In the case, please record the patient's consent, complete "
                    "the pseudonymised details and upload the medical records "
                    "the experts need. The panel's outcome report is advice: "
                    "you keep the responsibility for the patient's care."
                )
            ),
            "",
            f"-- {site_title()}",
        ]
    )
    mail.send(
        email,
        say(_("Your referral ${id} was accepted"), id=referral.getId()),
        text,
    )
    logger.info("Referral %s: %s", referral.getId(), record)
    return record


def redeem(user) -> list:
    """Turn the pending invitations of ``user``'s address into grants."""
    email = _normal(user.getProperty("email", "") if user is not None else "")
    pending = _pending()
    if not email or not pending or email not in pending:
        return []
    granted = []
    now = guests.now()
    for entry in list(pending[email]):
        until = entry["until"]
        if isinstance(until, datetime) and until > now:
            brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
                UID=entry["case_uid"]
            )
            if brains:
                case = brains[0]._unrestrictedGetObject()
                granted.append(
                    guests.grant_guest_access(
                        case,
                        user.getId(),
                        until=until,
                        granted_by=entry["invited_by"],
                        announced=True,
                    )
                )
                # The referrer had no account when the case was created: they
                # are its referring clinician (mails of request_info reach
                # them; the case's required field is filled).
                if not getattr(case, "referring_clinician", None):
                    case.referring_clinician = user.getId()
                    case.reindexObject()
    del pending[email]
    return granted


def on_login(event):
    """IUserLoggedInEvent: redeem the user's pending invitations."""
    user = event.object
    granted = redeem_on_login(user, redeem, "invitations")
    if granted:
        logger.info("%s redeemed %d guest invitation(s)", user.getId(), len(granted))
