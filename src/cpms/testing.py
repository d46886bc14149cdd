"""Test layers: the add-on on a Plone site, with or without the demo profile."""

import os
import shutil
import tempfile
from pathlib import Path

import plone.app.contenttypes
import plone.restapi
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import applyProfile
from plone.testing.zope import WSGI_SERVER_FIXTURE

import cpms
from cpms.core import auditstore

# Zope compiles the committed .po catalogues to .mo when it registers them, as
# zope.conf asks a started portal to (zope_i18n_compile_mo_files): the .mo
# files are not in git, so the tests ask for it too.
os.environ.setdefault("zope_i18n_compile_mo_files", "true")


class CPMSLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        self.loadZCML(package=plone.app.contenttypes)
        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=cpms)
        # The access audit's store: a SQLite file of this layer's own.
        self._audit_dir = tempfile.mkdtemp(prefix="cpms-audit-")
        auditstore.configure(f"sqlite:///{Path(self._audit_dir) / 'audit.sqlite'}")

    def tearDownZope(self, app):
        shutil.rmtree(self._audit_dir, ignore_errors=True)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "plone.app.contenttypes:default")
        applyProfile(portal, "cpms:default")


CPMS_FIXTURE = CPMSLayer()


class CPMSDemoLayer(PloneSandboxLayer):
    defaultBases = (CPMS_FIXTURE,)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "cpms:demo")


CPMS_DEMO_FIXTURE = CPMSDemoLayer()

INTEGRATION_TESTING = IntegrationTesting(bases=(CPMS_FIXTURE,), name="CPMS:Integration")
FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(CPMS_FIXTURE, WSGI_SERVER_FIXTURE), name="CPMS:Functional"
)
DEMO_INTEGRATION_TESTING = IntegrationTesting(
    bases=(CPMS_DEMO_FIXTURE,), name="CPMS:DemoIntegration"
)
DEMO_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(CPMS_DEMO_FIXTURE, WSGI_SERVER_FIXTURE), name="CPMS:DemoFunctional"
)
