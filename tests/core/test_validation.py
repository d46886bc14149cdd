"""The field checks every type of the portal shares (cpms.core.validation)."""

import time

import pytest

from cpms.cases.content.case import ICase
from cpms.core.validation import Bool
from cpms.core.validation import FieldError
from cpms.core.validation import Text
from cpms.core.validation import TextLine
from cpms.core.validation import identifier_problem
from cpms.core.validation import text_problem


@pytest.mark.parametrize(
    "value, expected",
    [
        ("a\nb", "a single line"),
        ("a\rb", "a single line"),
        ("a\u2028b", "a single line"),
        ("x\udfffy", "not valid Unicode"),
        ("a\x00b", "U+0000"),
        ("a\x1bb", "U+001B"),
        ("a" * 201, "at most 200 characters, not 201"),
    ],
)
def test_a_single_line_refuses(value, expected):
    assert expected in text_problem(value, single_line=True, max_length=200)


@pytest.mark.parametrize("value", ["Blue Heron", "Zoë Ångström", "李 小龙", "a\tb"])
def test_a_single_line_accepts(value):
    assert text_problem(value, single_line=True, max_length=200) is None


def test_free_text_keeps_line_breaks_and_tabs_but_no_other_control():
    assert text_problem("one\r\ntwo\tthree", single_line=False, max_length=99) is None
    assert "U+0007" in text_problem("bell\x07", single_line=False, max_length=99)


def test_the_fields_name_the_field_and_run_before_the_constraint():
    seen = []
    field = TextLine(
        title="Nickname", max_length=40, constraint=lambda v: seen.append(v) or True
    )
    with pytest.raises(FieldError, match="^Nickname: at most 40 characters"):
        field.validate("a" * 100_000)
    with pytest.raises(FieldError, match="^Nickname: a single line"):
        field.validate("Blue\nHeron")
    assert seen == []


def test_required_text_cannot_be_blank():
    with pytest.raises(FieldError, match="Clinical summary: required"):
        Text(title="Clinical summary", required=True).validate("  \n ")
    Text(title="Note", required=False).validate("")


@pytest.mark.parametrize("value", [2, -1, 0, 1, "true", "yes"])
def test_a_boolean_is_only_true_or_false(value):
    with pytest.raises(FieldError, match="Urgent: true or false"):
        Bool(title="Urgent").validate(value)


def test_booleans_pass():
    Bool(title="Urgent").validate(True)
    Bool(title="Urgent").validate(False)


def test_the_case_schema_uses_the_checked_fields():
    assert isinstance(ICase["nickname"], TextLine)
    assert isinstance(ICase["clinical_summary"], Text)
    assert isinstance(ICase["urgent"], Bool)
    with pytest.raises(FieldError, match="not valid Unicode"):
        ICase["referring_clinician"].validate("x\udfffy")
    with pytest.raises(FieldError):
        ICase["urgent"].validate(2)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "a@" + "b" * 100_000,
        "@a" * 50_000,
        "1." * 50_000,
        "1 x" * 30_000,
    ],
)
def test_identifier_checks_run_in_linear_time(text):
    started = time.perf_counter()
    identifier_problem(text)
    assert time.perf_counter() - started < 0.5


def test_a_100kb_nickname_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(FieldError, match="at most 40"):
        ICase["nickname"].validate("a" * 100_000)
    assert time.perf_counter() - started < 0.1


def test_identifiers_are_still_found():
    assert identifier_problem("write to a.b@example.org") == "an e-mail address"
    assert "long number" in identifier_problem("MRN 1234 5678")
    assert identifier_problem("see www.example.org") == "a web address"
