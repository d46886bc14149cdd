"""A minimal network for tests: one expertise area and one provider."""

from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles


def make_test_network(portal, provider_id=None, provider_title=None):
    """Create them in /network as Manager (the test user keeps that role).

    Returns ``(area, provider)``; the provider is in Austria and covers the area.
    """
    setRoles(portal, TEST_USER_ID, ["Manager"])
    area = api.content.create(
        container=portal["network"],
        type="ExpertiseArea",
        title="Bladder anomalies",
        workstream="Paediatric urology",
    )
    provider = api.content.create(
        container=portal["network"],
        type="HealthcareProvider",
        id=provider_id,
        title=provider_title or "Test University Hospital",
        country="AT",
        city="Graz",
        expertise_areas=[area.UID()],
    )
    return area, provider
