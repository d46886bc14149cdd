"""The network types and the demo network."""

import pytest
from plone import api
from plone.api.exc import InvalidParameterError
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles

from cpms.core import permissions
from cpms.core.countries import EU_EEA_STATES
from cpms.demo.network import PROVIDERS
from cpms.demo.network import WORKSTREAMS
from cpms.network.content.healthcare_provider import providers_of


def test_network_types_only_in_network(portal):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    for type_id in ("HealthcareProvider", "ExpertiseArea"):
        with pytest.raises(InvalidParameterError):
            api.content.create(container=portal["guides"], type=type_id, title="x")
        with pytest.raises(InvalidParameterError):
            api.content.create(container=portal["cases"], type=type_id, title="x")


@pytest.mark.parametrize("role", ["Editor", "Site Administrator", "Manager"])
def test_staff_may_add_network_items(portal, role):
    with api.env.adopt_roles([role]):
        assert api.user.has_permission(
            permissions.ADD_HEALTHCARE_PROVIDER, obj=portal["network"]
        )
        assert api.user.has_permission(
            permissions.ADD_EXPERTISE_AREA, obj=portal["network"]
        )


@pytest.mark.parametrize("role", ["Member", "Healthcare Professional", "Anonymous"])
def test_others_may_not_add_network_items(portal, role):
    with api.env.adopt_roles([role]):
        assert not api.user.has_permission(
            permissions.ADD_HEALTHCARE_PROVIDER, obj=portal["network"]
        )


def test_provider_country_must_be_eu_eea(portal):
    from cpms.network.content.healthcare_provider import IHealthcareProvider

    field = IHealthcareProvider["country"].bind(portal)
    field.validate("NO")
    with pytest.raises(Exception) as info:
        field.validate("GB")
    assert "Country" in info.value.doc()


def test_demo_network_shape(demo_portal):
    areas = api.content.find(portal_type="ExpertiseArea", Subject="demo")
    assert len(areas) == sum(len(a) for a in WORKSTREAMS.values())
    assert len({b.getObject().workstream for b in areas}) == 3
    providers = [
        b.getObject()
        for b in api.content.find(portal_type="HealthcareProvider", Subject="demo")
    ]
    assert len(providers) >= 6
    countries = {p.country for p in providers}
    assert len(countries) >= 5
    assert countries <= set(EU_EEA_STATES)
    for provider in providers:
        assert "(demo)" in provider.title
        assert provider.expertise_areas


def test_demo_network_is_public(demo_portal):
    provider = demo_portal["network"][PROVIDERS[0][0]]
    with api.env.adopt_roles(["Anonymous"]):
        assert api.user.has_permission(permissions.VIEW, obj=provider)


@pytest.mark.parametrize(
    "userid,provider_id",
    [
        ("clinician", "danube-university-hospital"),
        ("lead", "hopital-saint-fiacre"),
        ("expert1", "nordlicht-childrens-hospital"),
        ("expert2", "ospedale-san-rocco"),
    ],
)
def test_demo_clinicians_belong_to_a_provider(demo_portal, userid, provider_id):
    assert api.group.get(groupname=f"hcp-{provider_id}") is not None
    assert [p.getId() for p in providers_of(userid)] == [provider_id]


def test_every_provider_has_a_group(demo_portal):
    for provider_id, name, *_ in PROVIDERS:
        group = api.group.get(groupname=f"hcp-{provider_id}")
        assert group.getProperty("title") == name


def test_demo_network_builder_runs_twice(demo_portal):
    from cpms.demo.network import build_network

    before = len(api.content.find(portal_type="HealthcareProvider"))
    build_network(demo_portal)
    assert len(api.content.find(portal_type="HealthcareProvider")) == before


def test_provider_found_by_country_name(demo_portal):
    brains = api.content.find(SearchableText="Norway", portal_type="HealthcareProvider")
    assert [b.getId for b in brains] == ["fjordvik-university-hospital"]
