"""Consent records, contributions and outcome reports: fields and checks."""

from datetime import date
from datetime import timedelta

import pytest
from plone.dexterity.utils import createContentInContainer
from zope.interface import Invalid

from cpms.cases.content.consent_record import IConsentRecord
from cpms.cases.content.outcome_report import LIABILITY_STATEMENT
from cpms.cases.content.outcome_report import IOutcomeReport


def add_item(case, type_id, **fields):
    # Who may add what in which state is the case workflow's (tests/security).
    return createContentInContainer(case, type_id, checkConstraints=False, **fields)


@pytest.fixture
def consent(case):
    return add_item(
        case,
        "ConsentRecord",
        kind="care",
        consent_language="de",
        consent_version="2.1",
        consent_date=date(2026, 1, 12),
    )


def test_consent_record_fields(consent):
    assert consent.getId() == "consent"
    assert consent.Title() == "Care consent of 2026-01-12"
    assert consent.withdrawn is False
    assert consent.recorded_by  # defaults to the current user
    IConsentRecord.validateInvariants(consent)


def test_withdrawal_needs_its_date(consent):
    consent.withdrawn = True
    with pytest.raises(Invalid, match="Date of withdrawal: give the date"):
        IConsentRecord.validateInvariants(consent)
    consent.withdrawal_date = date(2026, 2, 1)
    IConsentRecord.validateInvariants(consent)
    assert consent.Title().endswith("(withdrawn)")


def test_withdrawal_not_before_consent(consent):
    consent.withdrawn = True
    consent.withdrawal_date = date(2026, 1, 11)
    with pytest.raises(Invalid, match="cannot be before the date of consent"):
        IConsentRecord.validateInvariants(consent)


def test_withdrawal_date_without_withdrawn(consent):
    consent.withdrawal_date = date(2026, 2, 1)
    with pytest.raises(Invalid, match="Withdrawn: tick it"):
        IConsentRecord.validateInvariants(consent)


def test_consent_dates_not_in_future():
    tomorrow = date.today() + timedelta(days=1)
    for name, label in (
        ("consent_date", "Date of consent"),
        ("withdrawal_date", "Date of withdrawal"),
    ):
        with pytest.raises(Exception) as info:
            IConsentRecord[name].validate(tomorrow)
        assert info.value.doc().startswith(f"{label}: ")


def test_consent_kind_vocabulary(case):
    field = IConsentRecord["kind"].bind(case)
    for kind in ("care", "registries", "research"):
        field.validate(kind)
    with pytest.raises(Exception) as info:
        field.validate("marketing")
    assert "Kind of consent" in info.value.doc()


def test_contribution_author_is_creator(case):
    contribution = add_item(case, "Contribution", text="An opinion.")
    assert contribution.getId() == "contribution"
    assert contribution.author == contribution.listCreators()[0]
    second = add_item(case, "Contribution", text="Another.")
    assert second.getId() == "contribution-1"


def test_outcome_report_statement_and_signature_fields(case):
    report = add_item(case, "OutcomeReport", findings="F.", recommendations="R.")
    assert report.getId() == "outcome-report"
    assert report.liability_statement == LIABILITY_STATEMENT
    assert "treats the patient" in LIABILITY_STATEMENT
    assert "responsibility" in LIABILITY_STATEMENT
    for name in ("liability_statement", "signed_by", "signed_on"):
        assert IOutcomeReport[name].readonly
    assert report.signed_by is None and report.signed_on is None
