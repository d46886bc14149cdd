"""The caching policy on an existing site: plone.app.caching and our rules.

Installs plone.app.caching (a new dependency of the profile) and imports
only the profile's registry/caching.xml, so settings staff changed in other
registry records stay as they are.
"""

from plone.app.registry.exportimport.handler import RegistryImporter
from plone.base.utils import get_installer
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

CACHING_XML = "registry/caching.xml"


def upgrade(setup_tool):
    portal = setup_tool.aq_parent
    installer = get_installer(portal)
    if not installer.is_product_installed("plone.app.caching"):
        installer.install_product("plone.app.caching")
    context = setup_tool._getImportContext("profile-cpms:default", should_purge=False)
    RegistryImporter(getUtility(IRegistry), context).importDocument(
        context.readDataFile(CACHING_XML)
    )
