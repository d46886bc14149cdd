"""Run the cpms profile's pending upgrade steps on a loaded scale database.

    .venv/bin/zconsole run /tmp/scale/etc/zope.conf benchmarks/upgrade_scale_db.py

(``zconsole`` binds ``app``; the zope.conf is the one ``benchmarks/scale.py``
renders in its ``--data-dir``.) A database loaded by older code lacks the
indexes of later steps; this brings the site ``cpms`` to the profile's
version, commits, and prints how long it took.
"""

import sys
import time

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

PROFILE = "cpms:default"
SITE_ID = "cpms"


def _version(found) -> str:
    return ".".join(found) if isinstance(found, tuple) else str(found)


def main(app):
    app = makerequest(app)
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    portal = app[SITE_ID]
    setSite(portal)
    setup = portal.portal_setup
    before = setup.getLastVersionForProfile(PROFILE)
    steps = setup.listUpgrades(PROFILE)
    print(f"{PROFILE} at {_version(before)}: {len(steps)} pending step(s)", flush=True)
    start = time.perf_counter()
    setup.upgradeProfile(PROFILE)
    transaction.commit()
    elapsed = time.perf_counter() - start
    after = setup.getLastVersionForProfile(PROFILE)
    print(f"upgraded to {_version(after)} in {elapsed:.1f} s (committed)", flush=True)
    app._p_jar.db().close()
    return 0


if __name__ == "__main__":
    sys.exit(main(app))  # noqa: F821 - bound by zconsole
