"""The daily digest: notices queued per user, sent as one mail by a command.

``make send-digests`` (run it daily from cron or a clock process) calls
``send_digests``.  The queue is a portal annotation: userid -> list of
(date, first line, url).  The mail goes out through cpms.core.mail after
the command's commit; a user's queue is emptied in that same commit.
"""

from datetime import UTC
from datetime import datetime

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from plone import api
from zope.annotation.interfaces import IAnnotations

from cpms.core import mail
from cpms.core.users import email_of

KEY = "cpms.notifications.digest"


def _queue(create=False):
    annotations = IAnnotations(api.portal.get())
    if KEY not in annotations and create:
        annotations[KEY] = OOBTree()
    return annotations.get(KEY)


def queue(userid: str, notice) -> None:
    storage = _queue(create=True)
    entries = storage.get(userid)
    if entries is None:
        entries = storage[userid] = PersistentList()
    summary = notice.text.split("\n", 1)[0]
    entries.append(
        (datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), summary, notice.url)
    )


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
            lines = [f"What happened on your cases since the last digest ({site}):", ""]
            for when, summary, url in entries:
                lines += [f"- {when}: {summary}", f"  {url}", ""]
            lines.append(
                "Only case ids and nicknames are named here; log in for details."
            )
            subject = f"Daily digest: {len(entries)} update(s)"
            mail.send(address, subject, "\n".join(lines))
            sent += 1
        del storage[userid]
    return sent
