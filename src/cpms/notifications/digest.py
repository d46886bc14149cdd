"""The daily digest: notices queued per user, sent as one mail by a command.

``make send-digests`` (run it daily from cron or a clock process) calls
``send_digests``.  The queue is a portal annotation: userid -> list of
(UTC time, first line in the user's language, url); the digest itself is
written in the user's language when it is sent.  The mail goes out
through cpms.core.mail after the command's commit; a user's queue is
emptied in that same commit.
"""

from datetime import UTC
from datetime import datetime

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from plone import api
from zope.i18nmessageid import Message

from cpms import _
from cpms.core import i18n
from cpms.core import mail
from cpms.core.annotations import annotation
from cpms.core.users import email_of

KEY = "cpms.notifications.digest"


def _queue(create=False):
    return annotation(api.portal.get(), KEY, OOBTree if create else None)


def queue(userid: str, summary: str, url: str) -> None:
    """Keep ``summary`` (already in the user's language) for the digest."""
    storage = _queue(create=True)
    entries = storage.get(userid)
    if entries is None:
        entries = storage[userid] = PersistentList()
    entries.append((datetime.now(UTC), summary, url))


def _when(moment, language: str) -> str:
    # Entries queued before the digest was translated hold the time as text.
    if isinstance(moment, datetime):
        return i18n.format_datetime(moment, language, "short") + " UTC"
    return str(moment)


def pending(userid: str) -> list:
    storage = _queue()
    return list(storage.get(userid, ())) if storage is not None else []


def send_digests() -> int:
    """Send one mail per user with queued notices; returns how many were sent."""
    storage = _queue()
    if not storage:
        return 0
    site = api.portal.get_registry_record("plone.site_title", default="CPMS portal")
    sent = 0
    for userid in list(storage.keys()):
        entries = list(storage[userid])
        address = email_of(userid)
        if entries and address:
            language = i18n.user_language(userid)

            def say(msg, language=language, **mapping) -> str:
                return i18n.translate_to(Message(msg, mapping=mapping), language)

            lines = [
                say(
                    _("What happened on your cases since the last digest (${site}):"),
                    site=site,
                ),
                "",
            ]
            for when, summary, url in entries:
                lines += [f"- {_when(when, language)}: {summary}", f"  {url}", ""]
            lines.append(
                say(
                    _("Only case ids and nicknames are named here; log in for details.")
                )
            )
            subject = say(_("Daily digest: ${count} update(s)"), count=len(entries))
            mail.send(address, subject, "\n".join(lines))
            sent += 1
        del storage[userid]
    return sent
