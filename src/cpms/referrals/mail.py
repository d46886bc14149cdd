"""Mails of the referral process, sent only once the data is safely stored.

Plone's MailHost joins the transaction and talks to the SMTP server while the
transaction votes: a mail server that is down would abort the transaction and
lose the referral.  Here mail goes out in an after-commit hook instead: the
referral is committed first, then each message is sent on its own; a failure
is logged (with the recipient and subject, never the clinical content) and
nothing else happens.
"""

from email.message import EmailMessage
from email.utils import formataddr
from email.utils import formatdate
from email.utils import make_msgid

import transaction
from plone import api

from cpms import logger


def site_title() -> str:
    return api.portal.get_registry_record("plone.site_title", default="CPMS portal")


def build(recipient: str, subject: str, text: str, reply_to: str = "") -> EmailMessage:
    from_address = api.portal.get_registry_record("plone.email_from_address")
    from_name = api.portal.get_registry_record("plone.email_from_name", default="")
    msg = EmailMessage()
    msg["Subject"] = f"[{site_title()}] {subject}"
    msg["From"] = formataddr((from_name, from_address)) if from_name else from_address
    msg["To"] = recipient
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or None)
    msg.set_content(text)
    return msg


def _deliver(success: bool, mailhost, messages):
    if not success:
        return
    for msg in messages:
        try:
            mailhost.send(msg, immediate=True)
        except Exception:
            logger.exception(
                "Mail not sent to %s (%s); the data it announces is stored",
                msg["To"],
                msg["Subject"],
            )


def send_after_commit(*messages: EmailMessage) -> None:
    """Send the messages once the current transaction has committed."""
    messages = [m for m in messages if m is not None and m["To"]]
    if not messages:
        return
    mailhost = api.portal.get_tool("MailHost")
    transaction.get().addAfterCommitHook(_deliver, args=(mailhost, messages))


def role_addresses(role: str) -> list[str]:
    """Mail addresses of the users holding ``role`` site-wide (also via groups)."""
    acl = api.portal.get_tool("acl_users")
    principals = acl.portal_role_manager.listAssignedPrincipals(role)
    userids: set[str] = set()
    for principal_id, _title in principals:
        group = api.group.get(groupname=principal_id)
        if group is not None:
            userids.update(m.getId() for m in group.getGroupMembers())
        else:
            userids.add(principal_id)
    addresses = set()
    for userid in userids:
        user = api.user.get(userid=userid)
        email = user and user.getProperty("email", "")
        if email:
            addresses.add(email)
    return sorted(addresses)
