"""Test layers: the add-on on a Plone site, with or without the demo profile."""

import os

import plone.app.contenttypes
import plone.restapi
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import applyProfile
from plone.testing.zope import WSGI_SERVER_FIXTURE

import cpms

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
