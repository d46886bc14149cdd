"""Fixtures of the case tests: a small network and a valid case."""

import pytest
from plone.app.testing import TEST_USER_ID

from cpms.cases.case_id import create_case
from tests.helpers.network import make_test_network


@pytest.fixture
def network(portal):
    """One expertise area and one provider, created as Manager."""
    area, hcp = make_test_network(portal)
    return {"area": area, "hcp": hcp}


@pytest.fixture
def case_data(network):
    return {
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": network["hcp"].UID(),
        "referring_clinician": TEST_USER_ID,
        "urgent": False,
        "expertise_area": network["area"].UID(),
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
        "orpha_codes": ["ORPHA:93930"],
        "icd10_codes": ["Q64.1"],
        "hpo_terms": ["HP:0000252"],
    }


@pytest.fixture
def case(portal, case_data):
    return create_case(portal["cases"], **case_data)
