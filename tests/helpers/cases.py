"""A case for tests, made through the portal's own ``create_case``."""

from plone.app.testing import TEST_USER_ID

from tests.helpers.network import make_test_network

# What a clinician types at the least: a pseudonym, the year of birth, the
# summary and the question (no identifier: the checks would refuse one).
DEFAULTS = {
    "nickname": "Blue Heron",
    "sex": "female",
    "year_of_birth": 2019,
    "clinical_summary": "Recurrent urinary tract infections since infancy.",
    "clinical_question": "Is surgery indicated now or later?",
}
# A case coded in the three lists (a disease, a WHO ICD-10 code, a term).
CODED = {
    "orpha_codes": ["ORPHA:93930"],
    "icd10_codes": ["Q64.1"],
    "hpo_terms": ["HP:0000252"],
}


def make_case(portal, clinician=TEST_USER_ID, network=None, **fields):
    """A case in ``portal/cases`` enrolled by ``clinician``.

    ``network`` is ``(area, provider)``; a test network is made when it is
    not given (the test user becomes Manager, as ``make_test_network`` says).
    ``fields`` override ``DEFAULTS``; pass ``**CODED`` for a coded case.
    """
    from cpms.cases.case_id import create_case

    area, provider = network or make_test_network(portal)
    return create_case(
        portal["cases"],
        referring_hcp=provider.UID(),
        referring_clinician=clinician,
        expertise_area=area.UID(),
        **{**DEFAULTS, **fields},
    )
