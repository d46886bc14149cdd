"""The case types exist and live only where they belong."""

import pytest
from plone import api
from plone.api.exc import InvalidParameterError
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from Products.CMFPlone.interfaces import constrains

from cpms.core import permissions

CASE_ITEMS = ("ConsentRecord", "Contribution", "OutcomeReport")


@pytest.mark.parametrize("type_id", CASE_ITEMS)
def test_case_items_not_globally_addable(portal, type_id):
    fti = portal.portal_types[type_id]
    assert fti.global_allow is False


def test_case_allows_its_items(portal):
    allowed = set(portal.portal_types["Case"].allowed_content_types)
    assert set(CASE_ITEMS) | {"Meeting", "MedicalFile"} <= allowed


def test_cases_folder_allows_only_cases(portal):
    behavior = constrains.ISelectableConstrainTypes(portal["cases"])
    assert list(behavior.context.locally_allowed_types) == ["Case"]


def test_items_cannot_be_added_outside_a_case(portal):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    for type_id in CASE_ITEMS:
        with pytest.raises((ValueError, InvalidParameterError)):
            api.content.create(container=portal["cases"], type=type_id, title="x")


@pytest.mark.parametrize(
    "type_id,permission",
    [
        ("Case", permissions.ADD_CASE),
        ("ConsentRecord", permissions.ADD_CONSENT_RECORD),
        ("Contribution", permissions.ADD_CONTRIBUTION),
        ("OutcomeReport", permissions.ADD_OUTCOME_REPORT),
        ("HealthcareProvider", permissions.ADD_HEALTHCARE_PROVIDER),
        ("ExpertiseArea", permissions.ADD_EXPERTISE_AREA),
    ],
)
def test_distinct_add_permission(portal, type_id, permission):
    fti = portal.portal_types[type_id]
    from zope.component import getUtility
    from zope.security.interfaces import IPermission

    assert getUtility(IPermission, fti.add_permission).title == permission
