"""The add-on installs, upgrades and uninstalls cleanly."""

import pytest
from plone import api

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
