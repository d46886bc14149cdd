"""Create the `cpms` Plone site unless it exists; keep the admin user in step.

Run through `zconsole run instance/etc/zope.conf scripts/create_site.py`
(`make site` does), which binds ``app``.  Idempotent: a second run changes
nothing but the admin password, taken from CPMS_ADMIN_PASSWORD.
"""

import os

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from plone.distribution.api import site as site_api
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from cpms.core.structure import FRONT_PAGE_DESCRIPTION
from cpms.identity.setup import setup_identity

SITE_ID = os.environ.get("CPMS_SITE_ID", "cpms")
ADMIN_USER = "admin"
ADMIN_PASSWORD = os.environ.get("CPMS_ADMIN_PASSWORD", "admin")
WITH_DEMO = os.environ.get("CPMS_DEMO", "1") not in ("0", "false", "no")


def ensure_admin(app):
    users = app.acl_users
    if users.getUserById(ADMIN_USER) is None:
        users._doAddUser(ADMIN_USER, ADMIN_PASSWORD, ["Manager"], [])
        print(f"Created Zope user {ADMIN_USER!r}")
    elif "users" in users.objectIds():
        # A PAS root user folder: the password lives in its user manager.
        users.users.updateUserPassword(ADMIN_USER, ADMIN_PASSWORD)
    else:
        # Zope's basic user folder, e.g. holding the admin of a buildout's
        # inituser file (plone.recipe.zope2instance `user` option).
        users._doChangeUser(ADMIN_USER, ADMIN_PASSWORD, ["Manager"], [])
    transaction.commit()


def ensure_site(app):
    admin = app.acl_users.getUserById(ADMIN_USER)
    newSecurityManager(None, admin.__of__(app.acl_users))
    if SITE_ID in app.objectIds():
        site = app[SITE_ID]
        print(f"Site /{SITE_ID} exists: reusing it")
        setSite(site)
        # New code may bring upgrade steps; run them so the site matches it.
        setup = site.portal_setup
        if setup.listUpgrades("cpms:default"):
            setup.upgradeProfile("cpms:default")
            transaction.commit()
            print("Ran the pending upgrade steps of cpms:default")
        return site
    site = site_api.create(
        app,
        "cpms",
        {
            "site_id": SITE_ID,
            "title": "CPMS portal",
            "description": FRONT_PAGE_DESCRIPTION,
            "default_language": "en",
            "portal_timezone": "Europe/Brussels",
            "setup_content": WITH_DEMO,
        },
    )
    transaction.commit()
    print(f"Created site /{SITE_ID}" + (" with demo content" if WITH_DEMO else ""))
    return site


app = makerequest(app)  # noqa: F821 - bound by zconsole
ensure_admin(app)
site = ensure_site(app)
setSite(site)
# OIDC login (EU Login) from CPMS_OIDC_* or the registry (off when unset),
# session settings and CPMS_SECURE_COOKIES: docs/identity.md.
setup_identity(site)
transaction.commit()
# Close the database so FileStorage writes its index (faster next start).
app._p_jar.db().close()
