"""The add-on installs, upgrades and uninstalls cleanly."""

import pytest
from plone import api
from plone.app.textfield.value import RichTextValue

from cpms.interfaces import ICPMSLayer

PACKAGE = "cpms"


class TestInstall:
    def test_installed(self, installer):
        assert installer.is_product_installed(PACKAGE)

    def test_browserlayer(self, browser_layers):
        assert ICPMSLayer in browser_layers

    def test_profile_version_is_date_based(self, setup_tool, profile_last_version):
        (version,) = setup_tool.getLastVersionForProfile(f"{PACKAGE}:default")
        assert version == profile_last_version(f"{PACKAGE}:default")
        assert len(version) == 11 and version.startswith("20")

    def test_no_pending_upgrades_after_install(self, setup_tool):
        assert setup_tool.listUpgrades(f"{PACKAGE}:default") == []

    def test_dependencies_installed(self, installer):
        for dependency in ("plone.restapi", "collective.easyform"):
            assert installer.is_product_installed(dependency), dependency

    def test_reinstall_keeps_content_and_edits(self, portal, setup_tool):
        with api.env.adopt_roles(["Manager"]):
            portal.invokeFactory("Document", "kept")
        portal["guides"].title = "Guides, edited by staff"
        setup_tool.runAllImportStepsFromProfile(f"profile-{PACKAGE}:default")
        assert "kept" in portal
        assert portal["guides"].title == "Guides, edited by staff"

    def test_reinstall_keeps_the_front_page_staff_wrote(self, portal, setup_tool):
        assert "European Reference" in portal.text.raw
        portal.title = "ERN portal"
        portal.description = "Our network's portal."
        portal.text = RichTextValue("<p>Written by staff.</p>", "text/html")
        setup_tool.runAllImportStepsFromProfile(f"profile-{PACKAGE}:default")
        assert portal.text.raw == "<p>Written by staff.</p>"
        assert portal.title == "ERN portal"
        assert portal.description == "Our network's portal."
        assert portal.getLayout() == "cpms-front-page"

    def test_reinstall_fills_an_emptied_front_page(self, portal, setup_tool):
        portal.text = RichTextValue("", "text/html")
        setup_tool.runAllImportStepsFromProfile(f"profile-{PACKAGE}:default")
        assert "European Reference" in portal.text.raw


class TestUninstall:
    @pytest.fixture(autouse=True)
    def _uninstalled(self, installer):
        installer.uninstall_product(PACKAGE)

    def test_product_uninstalled(self, installer):
        assert not installer.is_product_installed(PACKAGE)

    def test_browserlayer_removed(self, browser_layers):
        assert ICPMSLayer not in browser_layers

    def test_content_kept(self, portal):
        assert "cases" in portal.objectIds()
