"""Uninstalling the add-on gives Plone its own look and toolbar back."""

from plone import api


def test_uninstall_restores_plone_ui(portal, installer):
    installer.uninstall_product("cpms")
    assert "Authenticated" in {
        role["name"]
        for role in portal.rolesOfPermission("Show Toolbar")
        if role["selected"]
    }
    registry = api.portal.get_tool("portal_registry")
    assert "plone.bundles/cpms-theme.csscompilation" not in registry
    # The look staff set is kept, like content.
    assert "cpms.theme.network_name" in registry

    from plone.portlets.interfaces import IPortletAssignmentMapping
    from plone.portlets.interfaces import IPortletManager
    from zope.component import getMultiAdapter
    from zope.component import getUtility

    def assigned(manager_name):
        manager = getUtility(IPortletManager, name=manager_name, context=portal)
        return set(getMultiAdapter((portal, manager), IPortletAssignmentMapping))

    assert assigned("plone.footerportlets") == {"footer", "actions", "colophon"}
    assert "navigation" in assigned("plone.leftcolumn")
    configlets = api.portal.get_tool("portal_controlpanel").listActions()
    assert "cpms-theme" not in {configlet.getId() for configlet in configlets}
