"""Send the daily digest mails of the members who chose them.

Run daily (cron, a systemd timer or a clock process) through
`make send-digests`, i.e. `zconsole run instance/etc/zope.conf
scripts/send_digests.py`, which binds ``app``.
"""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from cpms.notifications.digest import send_digests

SITE_ID = os.environ.get("CPMS_SITE_ID", "cpms")


def main(app):
    app = makerequest(app)
    site = app[SITE_ID]
    setSite(site)
    admin = app.acl_users.getUserById("admin")
    if admin is not None:
        newSecurityManager(None, admin.__of__(app.acl_users))
    sent = send_digests()
    transaction.commit()  # the mails leave on commit
    print(f"Sent {sent} digest mail(s)")


main(app)  # noqa: F821 - bound by zconsole
