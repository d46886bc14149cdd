"""The default profile builds the site structure of cpms.core.structure."""

import pytest
from plone import api
from plone.app.testing import logout
from Products.CMFPlone.interfaces import constrains
from zope.interface import alsoProvides

from cpms.core import permissions
from cpms.core.structure import SECTIONS
from cpms.interfaces import ICPMSLayer

PUBLIC = [s.id for s in SECTIONS if s.public]
PRIVATE = [s.id for s in SECTIONS if not s.public]


def test_all_sections_exist(portal):
    expected = {
        "network",
        "guides",
        "common-problems",
        "newsletter",
        "consent-forms",
        "refer-a-case",
        "helpdesk",
        "referrals",
        "access-requests",
        "cases",
    }
    assert expected <= set(portal.objectIds())


@pytest.mark.parametrize("section_id", PUBLIC)
def test_public_sections_visible_to_anonymous(portal, section_id):
    assert api.content.get_state(portal[section_id]) == "published"
    with api.env.adopt_roles(["Anonymous"]):
        assert api.user.has_permission(permissions.VIEW, obj=portal[section_id])


@pytest.mark.parametrize("section_id", PRIVATE)
def test_restricted_sections_hidden_from_anonymous(portal, section_id):
    with api.env.adopt_roles(["Anonymous"]):
        assert not api.user.has_permission(permissions.VIEW, obj=portal[section_id])


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
def test_add_restrictions(portal, section):
    behavior = constrains.ISelectableConstrainTypes(portal[section.id])
    assert behavior.getConstrainTypesMode() == constrains.ENABLED
    # Every declared type exists once all features are installed.
    assert set(section.allowed_types) <= set(portal.portal_types.objectIds())
    with api.env.adopt_roles(["Manager"]):
        assert set(behavior.getLocallyAllowedTypes()) == set(section.allowed_types)
    # A plain page is never addable where clinical or catalogued items live.
    assert "Document" not in behavior.getLocallyAllowedTypes()


def test_front_page_says_what_the_portal_is(portal, http_request):
    assert portal.getLayout() == "cpms-front-page"
    alsoProvides(http_request, ICPMSLayer)
    logout()
    html = portal.restrictedTraverse("@@cpms-front-page")()
    assert "European Reference" in html
    url = portal.absolute_url()
    for link in ("refer-a-case", "guides", "login", "common-problems", "consent-forms"):
        assert f'href="{url}/{link}"' in html, link


def test_structure_is_idempotent(portal, setup_tool):
    before = sorted(portal.objectIds())
    setup_tool.runAllImportStepsFromProfile("profile-cpms:default")
    assert sorted(portal.objectIds()) == before
