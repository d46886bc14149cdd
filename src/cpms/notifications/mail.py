"""The panel's notification mails: what each kind says, and who gets it how.

A mail says what happened and links to the case.  It never carries clinical
detail: only the case's ERN id and nickname name the case (mail leaves the
portal's protection, so it must be harmless if it reaches the wrong inbox).

Composing is here; sending is cpms.core.mail's (after commit, CRLF, the
registry's subject prefix), and the daily digest is cpms.notifications.digest.
"""

from dataclasses import dataclass
from dataclasses import field

from plone import api

from cpms import logger
from cpms.cases.utils import case_label
from cpms.core import mail
from cpms.core.users import email_of
from cpms.notifications import digest
from cpms.notifications import preferences

# kind -> (subject template, first line of the body)
KINDS = {
    "invitation": (
        "Invitation to the panel of case {label}",
        "You were invited to the expert panel of case {label}.",
    ),
    "request_info": (
        "More information requested for case {label}",
        "The panel asks for more information on case {label}. "
        "The case is back with you to complete.",
    ),
    "contribution": (
        "New contribution on case {label}",
        "{actor} added a contribution to case {label}.",
    ),
    "meeting_scheduled": (
        "Meeting scheduled for case {label}",
        "A panel meeting on case {label} was scheduled: {when}.",
    ),
    "meeting_changed": (
        "Meeting changed for case {label}",
        "The panel meeting on case {label} was changed: {when}.",
    ),
    "report_signed": (
        "Outcome report signed for case {label}",
        "The outcome report of case {label} was signed by {actor}.",
    ),
    "case_closed": (
        "Case {label} closed",
        "The panel of case {label} was closed.",
    ),
    "removed": (
        "Removed from the panel of case {label}",
        "You are no longer a member of the panel of case {label}.",
    ),
    "case_submitted": (
        "Case {label} submitted",
        "{actor} submitted case {label}. It waits for a coordinator to "
        "assemble and open its panel.",
    ),
    "case_submitted_urgent": (
        "URGENT: case {label} submitted",
        "{actor} submitted case {label}, marked URGENT: the panel should "
        "answer within days. It waits for a coordinator to assemble and open "
        "its panel.",
    ),
    "lead_appointed": (
        "You lead the panel of case {label}",
        "{actor} appointed you lead of the expert panel of case {label}. You "
        "guide the discussion, write and sign the outcome report, and close "
        "the case.",
    ),
    "lead_replaced": (
        "New lead for the panel of case {label}",
        "{actor} appointed {lead} lead of the panel of case {label}. You stay "
        "a member of the panel.",
    ),
    "guest_granted": (
        "Guest access to case {label}",
        "{actor} gave you access to case {label} as a guest clinician, until {until}.",
    ),
    "guest_extended": (
        "Your guest access to case {label} changed",
        "Your access to case {label} as a guest clinician now ends on {until}.",
    ),
    "guest_revoked": (
        "Your guest access to case {label} ended",
        "Your access to case {label} as a guest clinician was ended.",
    ),
}


@dataclass
class Notice:
    kind: str
    subject: str  # without the portal's prefix: cpms.core.mail adds it
    text: str
    url: str
    attachments: list = field(default_factory=list)  # (filename, mimetype, bytes)


def compose(kind: str, case, url: str | None = None, **info) -> Notice:
    """The notice of ``kind`` about ``case``.

    ``actor`` is the acting user's full name (cpms.core.users.fullname);
    without one the mail says "Someone".
    """
    subject_tpl, first_line = KINDS[kind]
    values = {"label": case_label(case), "when": "", "actor": "", "until": ""} | info
    values["actor"] = values["actor"] or "Someone"
    url = url or case.absolute_url()
    site = api.portal.get_registry_record("plone.site_title", default="CPMS portal")
    text = "\n".join(
        [
            first_line.format(**values),
            "",
            f"Open the case: {url}",
            "",
            "This message names the case only by its ERN id and nickname. "
            "Clinical details stay in the portal; log in to read them.",
            "",
            f"-- {site}",
            "Change how you receive these mails: "
            f"{api.portal.get().absolute_url()}/@@notification-settings",
        ]
    )
    return Notice(kind, subject_tpl.format(**values), text, url)


def notify(userids, notice: Notice, exclude=(), immediate=False) -> list[str]:
    """Send ``notice`` to each user by their chosen mode; returns who got it.

    Digest users get the notice queued for the daily digest; attachments
    (an .ics) are not kept for the digest: it links to the case instead.
    ``immediate`` sends at once to everyone (an urgent case cannot wait for
    tomorrow's digest).
    """
    done = []
    for userid in sorted(set(userids) - set(exclude)):
        address = email_of(userid)
        if not address:
            logger.warning("No mail address for %s: %s not sent", userid, notice.kind)
            continue
        if not immediate and preferences.get_mode(userid) == preferences.DIGEST:
            digest.queue(userid, notice)
        else:
            mail.send(address, notice.subject, notice.text, notice.attachments)
        done.append(userid)
    return done
