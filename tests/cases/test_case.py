"""The case: generated ERN case id, pseudonymised fields, validation."""

import re
from datetime import date

import pytest
from plone import api
from zope.interface import Invalid
from zope.schema import getValidationErrors

from cpms.cases.case_id import create_case
from cpms.cases.case_id import next_case_id
from cpms.cases.content.case import ICase
from cpms.core.validation import identifier_problem

CASE_ID = re.compile(r"^ERN-\d{4}-\d{6}$")


def test_case_gets_generated_id(case):
    assert CASE_ID.match(case.case_id)
    assert case.case_id.startswith(f"ERN-{date.today().year}-")
    assert case.Title() == case.case_id
    assert case.getId() == case.case_id.lower()


def test_case_ids_are_unique_and_increasing(portal, case_data):
    cases = [create_case(portal["cases"], **case_data) for _ in range(3)]
    ids = [c.case_id for c in cases]
    assert len(set(ids)) == 3
    assert ids == sorted(ids)


def test_given_title_is_ignored(portal, case_data):
    case = create_case(portal["cases"], title="Jane Doe", **case_data)
    assert "Jane" not in case.Title()
    assert "jane" not in case.getId()
    case.title = "Jane Doe"
    assert case.Title() == case.case_id


def test_case_with_explicit_id_still_gets_case_id(portal, case_data):
    case = api.content.create(
        container=portal["cases"], type="Case", id="explicit", **case_data
    )
    assert CASE_ID.match(case.case_id)


def test_case_id_indexed(portal, case):
    brains = api.content.find(case_id=case.case_id, portal_type="Case")
    assert [b.UID for b in brains] == [case.UID()]


def test_counter_skips_ids_in_use(portal, case):
    # Reset the counter: the next id must still not repeat the existing one.
    from zope.annotation.interfaces import IAnnotations

    from cpms.cases.case_id import COUNTER_KEY

    IAnnotations(portal)[COUNTER_KEY].clear()
    assert next_case_id() != case.case_id


def test_valid_case_passes_schema(case):
    assert getValidationErrors(ICase, case) == []


@pytest.mark.parametrize(
    "nickname",
    [
        "jane.doe@example.org",
        "Patient 1234567890",
        "ID 12 34 56 78",
        "see www.example.org",
        "born 12.03.2015",
    ],
)
def test_nickname_refuses_identifiers(nickname):
    field = ICase["nickname"]
    with pytest.raises(Exception) as info:
        field.validate(nickname)
    assert "Nickname" in str(info.value.doc())


def test_nickname_accepts_pseudonym():
    ICase["nickname"].validate("Blue Heron 2")


def test_identifier_problem_names_the_kind():
    assert identifier_problem("mail me: a@b.eu") == "an e-mail address"
    assert identifier_problem("Blue Heron") is None


@pytest.mark.parametrize("year", [date.today().year + 1, 1850])
def test_year_of_birth_plausible(year):
    with pytest.raises(Exception) as info:
        ICase["year_of_birth"].validate(year)
    assert "Year of birth" in info.value.doc()


def test_year_or_age_band_required(case):
    case.year_of_birth = None
    case.age_band = None
    with pytest.raises(Invalid, match="Year of birth or age band"):
        ICase.validateInvariants(case)
    case.age_band = "2-11y"
    ICase.validateInvariants(case)


@pytest.mark.parametrize("code", ["Q64.1", "E34", "Q54.10", "U07.1"])
def test_icd10_format_accepted(code):
    ICase["icd10_codes"].validate([code])


@pytest.mark.parametrize("code", ["q64.1", "Q6", "64.1", "Q64.", "Q64.12345"])
def test_icd10_format_refused(code):
    with pytest.raises(Exception) as info:
        ICase["icd10_codes"].validate([code])
    # the list wraps the item error; its message names the field
    assert "ICD-10" in repr(info.value)


def test_unknown_codes_refused(case):
    field = ICase["hpo_terms"].bind(case)
    with pytest.raises(Exception):  # noqa: B017 - WrongContainedType
        field.validate(["HP:9999999"])
    field.validate(["HP:0000252"])
    orpha = ICase["orpha_codes"].bind(case)
    with pytest.raises(Exception):  # noqa: B017
        orpha.validate(["ORPHA:0"])


def test_case_holds_no_name_or_address_field():
    names = set(ICase.names())
    for forbidden in ("name", "first_name", "last_name", "address", "birth_date"):
        assert forbidden not in names


def test_case_found_by_id_nickname_and_coded_terms(portal, case_data):
    case_data.update(nickname="Quetzal", hpo_terms=["HP:0004322"])
    case = create_case(portal["cases"], **case_data)
    for text in (case.case_id, "Quetzal", "short stature", "exstrophy", "Q64.1"):
        brains = api.content.find(SearchableText=text, portal_type="Case")
        assert case.UID() in [b.UID for b in brains], text
    assert not api.content.find(SearchableText="Quetzal microcephaly")


def test_case_search_filtered_by_permission(portal, case):
    from plone.app.testing import logout

    assert api.content.find(SearchableText=case.case_id)
    logout()
    assert not api.content.find(SearchableText=case.case_id)
