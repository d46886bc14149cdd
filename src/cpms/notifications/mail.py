"""Compose and send the panel's notification mails.

A mail says what happened and links to the case.  It never carries clinical
detail: only the case's ERN id and nickname name the case (mail leaves the
portal's protection, so it must be harmless if it reaches the wrong inbox).
"""

from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import formatdate
from email.utils import make_msgid

import transaction
from plone import api

from cpms import logger
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
}


@dataclass
class Notice:
    kind: str
    subject: str
    text: str
    url: str
    attachments: list = field(default_factory=list)  # (filename, mimetype, bytes)


def case_label(case) -> str:
    """The case's ERN id and nickname: the only case detail a mail may name."""
    # The case's title is its ERN case id.
    case_id = getattr(case, "case_id", None) or case.Title() or case.getId()
    nickname = getattr(case, "nickname", None)
    return f"{case_id} ({nickname})" if nickname else str(case_id)


def fullname(userid: str | None) -> str:
    if not userid:
        return "Someone"
    user = api.user.get(userid=userid)
    if user is None:
        return userid
    return user.getProperty("fullname", "") or userid


def compose(kind: str, case, url: str | None = None, **info) -> Notice:
    subject_tpl, first_line = KINDS[kind]
    values = {"label": case_label(case), "when": "", "actor": ""} | info
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
    return Notice(kind, f"[{site}] {subject_tpl.format(**values)}", text, url)


def email_of(userid: str) -> str | None:
    user = api.user.get(userid=userid)
    if user is None:
        return None
    return user.getProperty("email", "") or None


def build_message(recipient: str, subject: str, text: str, attachments=()):
    from_address = api.portal.get_registry_record("plone.email_from_address")
    from_name = api.portal.get_registry_record("plone.email_from_name", default="")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = formataddr((from_name, from_address)) if from_name else from_address
    msg["To"] = recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or None)
    # quoted-printable: long lines and accented names survive every relay.
    msg.set_content(text, cte="quoted-printable")
    for filename, mimetype, data in attachments:
        maintype, subtype = mimetype.split("/", 1)
        # base64: an .ics has CRLF line ends that must reach the client as is.
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, cte="base64"
        )
    return msg


def send_now(recipient: str, subject: str, text: str, attachments=()) -> None:
    """Send the mail once the transaction commits.

    After the commit, not inside it: a mail server that is down must not undo
    what the user did (sign a report, invite a panel); the failure is logged.
    A transaction that aborts sends nothing.
    """
    msg = build_message(recipient, subject, text, attachments)
    # As text: MailHost re-serialises Message objects with mixed line ends
    # (bare LF inside CRLF), which real SMTP servers refuse as one long line.
    payload = msg.as_string()
    mailhost = api.portal.get_tool("MailHost")

    def deliver(committed: bool) -> None:
        if not committed:
            return
        try:
            mailhost.send(payload, immediate=True)
        except Exception as error:  # noqa: BLE001 - log it: the action stands
            logger.warning("Mail %r to %s not sent: %s", subject, recipient, error)

    transaction.get().addAfterCommitHook(deliver)


def notify(userids, notice: Notice, exclude=()) -> list[str]:
    """Send ``notice`` to each user by their chosen mode; returns who got it.

    Digest users get the notice queued for the daily digest; attachments
    (an .ics) are not kept for the digest: it links to the case instead.
    """
    from cpms.notifications import digest

    done = []
    for userid in sorted(set(userids) - set(exclude)):
        address = email_of(userid)
        if not address:
            logger.warning("No mail address for %s: %s not sent", userid, notice.kind)
            continue
        if preferences.get_mode(userid) == preferences.DIGEST:
            digest.queue(userid, notice)
        else:
            send_now(address, notice.subject, notice.text, notice.attachments)
        done.append(userid)
    return done
