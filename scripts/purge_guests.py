"""Drop expired guest grants, reindex their cases' security, warn guests.

Run through `zconsole run instance/etc/zope.conf scripts/purge_guests.py`
(`make purge-guests`), daily from cron (docs/identity.md).  With the embedded
FileStorage the database is locked while the portal runs: call the HTTP
endpoint `POST /cpms/@guests-purge` instead (same job).
"""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SpecialUsers import system
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from cpms.identity.guests import purge_expired

SITE_ID = os.environ.get("CPMS_SITE_ID", "cpms")

app = makerequest(app)  # noqa: F821 - bound by zconsole
site = app[SITE_ID]
setSite(site)
newSecurityManager(None, system)
result = purge_expired()
transaction.commit()
print(f"Purged {len(result['purged'])} expired grant(s): {result['purged']}")
print(f"Warned {len(result['warned'])} guest(s): {result['warned']}")
app._p_jar.db().close()
