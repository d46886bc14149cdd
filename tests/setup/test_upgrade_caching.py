"""The caching policy reaches a site installed before it (upgrade step)."""

from plone import api

PROFILE = "cpms:default"


def test_upgrade_installs_the_caching_policy_and_keeps_other_settings(
    portal, setup_tool
):
    api.portal.set_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled", False
    )
    api.portal.set_registry_record("cpms.mail_subject_prefix", "[ERN Uro]")
    setup_tool.setLastVersionForProfile(PROFILE, "20261123001")
    assert setup_tool.listUpgrades(PROFILE)

    setup_tool.upgradeProfile(PROFILE)

    assert api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled"
    )
    mapping = api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.operationMapping"
    )
    assert mapping["cpms.private"] == "cpms.caching.neverStore"
    assert api.portal.get_registry_record("cpms.mail_subject_prefix") == "[ERN Uro]"
    assert setup_tool.listUpgrades(PROFILE) == []
