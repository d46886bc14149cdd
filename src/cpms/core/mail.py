"""The portal's one way to send mail.

Every mail of the portal (case notifications, the digest, referral mails,
helpdesk messages, access decisions, guest warnings) leaves through here, so
they all share three properties:

- **After the commit.** A mail announces something the portal stored; it is
  handed to Plone's MailHost in an after-commit hook.  A transaction that
  aborts (or fails to commit) sends nothing, and a mail server that is down
  is logged without undoing the clinical write it announces.
- **Valid on the wire.** Messages are built with ``email.policy.SMTP`` and
  handed to MailHost as serialised text: every line ends in CRLF.  (MailHost
  given an ``EmailMessage`` object re-serialises it with bare LFs inside CRLF
  lines, which strict SMTP servers refuse.)
- **One subject prefix.** ``[CPMS]`` by default, set in the registry record
  ``cpms.mail_subject_prefix`` (empty: no prefix); a subject that already
  starts with it is not prefixed again.

From is Plone's mail settings (``plone.email_from_name`` and
``plone.email_from_address``, Site Setup > Mail).  Each recipient gets a
message of their own, so no recipient learns who else was told.

API::

    send(recipients, subject, text, attachments=(), reply_to=None)
    send_message(message)   # an already composed message, sent as it is
"""

import re
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from email import message_from_string
from email import policy
from email.message import EmailMessage
from email.message import Message
from email.utils import formataddr
from email.utils import formatdate
from email.utils import make_msgid

import transaction
from plone import api
from zope.component.hooks import site as active_site

from cpms import logger

PREFIX_RECORD = "cpms.mail_subject_prefix"
# Set while content is built that must not mail anybody (the demo profile):
# its people are invented and their addresses do not exist.
_quiet = threading.local()
DEFAULT_PREFIX = "[CPMS]"
# A header folded right after its name ("Subject:" CRLF " text"), which the
# email package does when the text fits on a line of its own.
_FOLDED_AFTER_NAME = re.compile(r"^([!-9;-~]+):\r\n[ \t]+", re.MULTILINE)


def subject_prefix() -> str:
    """The registry's subject prefix; ``[CPMS]`` when the record is missing."""
    prefix = api.portal.get_registry_record(PREFIX_RECORD, default=None)
    return DEFAULT_PREFIX if prefix is None else prefix.strip()


def prefixed(subject: str) -> str:
    """``subject`` with the prefix, exactly once."""
    prefix = subject_prefix()
    subject = subject.strip()
    if not prefix or subject.startswith(prefix):
        return subject
    return f"{prefix} {subject}"


def _from_address() -> str:
    return api.portal.get_registry_record("plone.email_from_address", default="")


def sender() -> str:
    """The From header: Plone's mail settings, with the name when there is one."""
    address = _from_address()
    name = api.portal.get_registry_record("plone.email_from_name", default="")
    return formataddr((name, address)) if name else address


def _message_id() -> str:
    return make_msgid(domain=_from_address().rpartition("@")[2] or None)


def build(
    recipient: str,
    subject: str,
    text: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    """One plain-text message to ``recipient``, the subject prefixed.

    ``attachments`` are ``(filename, mimetype, data)`` triples, e.g.
    ``("meeting.ics", "text/calendar", ics_bytes)``.
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = prefixed(subject)
    msg["From"] = sender()
    msg["To"] = recipient
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = _message_id()
    # quoted-printable: long lines and accented names survive every relay.
    msg.set_content(text, cte="quoted-printable")
    for filename, mimetype, data in attachments:
        maintype, subtype = mimetype.split("/", 1)
        # base64: an .ics has CRLF line ends that must reach the client as is.
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, cte="base64"
        )
    return msg


def send(
    recipients: str | Iterable[str],
    subject: str,
    text: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    reply_to: str | None = None,
) -> list[EmailMessage]:
    """Mail ``text`` to each of ``recipients`` once the transaction commits.

    ``recipients`` is one address or several (one message each; empty ones
    are skipped).  Returns the messages that will be sent.
    """
    if isinstance(recipients, str):
        recipients = [recipients]
    attachments = list(attachments)
    messages = [
        build(address, subject, text, attachments, reply_to)
        for address in dict.fromkeys(a.strip() for a in recipients if a and a.strip())
    ]
    for msg in messages:
        send_message(msg)
    return messages


@contextmanager
def suppressed():
    """Within this block nothing is mailed: messages are logged and dropped."""
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


def send_message(message: Message | str) -> None:
    """Send a message composed elsewhere once the transaction commits.

    For a form's own mail (collective.easyform builds it): the subject stays
    as it is; Date, Message-ID and From are added when missing, and the
    message is re-serialised with CRLF line ends.
    """
    if isinstance(message, str):
        message = message_from_string(message, policy=policy.SMTP)
    elif message.policy != policy.SMTP:
        message = message_from_string(message.as_string(), policy=policy.SMTP)
    if not message["To"]:
        logger.warning("Mail %r has no recipient: not sent", message["Subject"])
        return
    if getattr(_quiet, "on", False):
        logger.info(
            "Mail to %s (%r) not sent: mail is off here",
            message["To"],
            message["Subject"],
        )
        return
    if not _from_address() and not message["From"]:
        logger.warning("No sender address set in the mail settings: mail not sent")
        return
    if not message["From"]:
        message["From"] = sender()
    if not message["Date"]:
        message["Date"] = formatdate(localtime=False)
    if not message["Message-ID"]:
        message["Message-ID"] = _message_id()
    # Text, not the object: MailHost parses text with its CRLF policy and
    # sends it as is; a Message object it would re-serialise with bare LFs.
    payload = _unfold_after_names(message.as_string())
    portal = api.portal.get()
    transaction.get().addAfterCommitHook(
        _deliver,
        args=(portal, payload, str(message["To"]), str(message["Subject"])),
    )


def _unfold_after_names(text: str) -> str:
    """Join "Name:" CRLF " value" into "Name: value" in the header block.

    Both mean the same, but MailHost re-serialises the first as "Name: "
    CRLF " value", and then readers see the value with a leading space.
    MailHost folds long header lines again where it should.
    """
    head, sep, body = text.partition("\r\n\r\n")
    return _FOLDED_AFTER_NAME.sub(r"\1: ", head) + sep + body


def _deliver(committed: bool, portal, payload: str, to: str, subject: str) -> None:
    if not committed:
        return
    try:
        # Plone's SMTP mailer reads the server from the site's registry; a
        # script or a setup step may commit with no site active any more.
        with active_site(portal):
            portal.MailHost.send(payload, immediate=True)
    except Exception as error:  # noqa: BLE001 - the stored data stands; log it
        logger.error(
            "Mail not sent to %s (%r): %s; what it announces is stored",
            to,
            subject,
            error,
        )
