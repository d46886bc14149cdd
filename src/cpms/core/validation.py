"""Field checks of the case types, with messages that name the field.

Each check raises a ``FieldError``: z3c.form shows its message next to the
field, and plone.restapi answers 400 with it (and the field's name).
"""

import re
from datetime import date

from zope.schema import Choice as BaseChoice
from zope.schema import ValidationError
from zope.schema.interfaces import ConstraintNotSatisfied


class FieldError(ValidationError):
    """A field's value does not fit; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def doc(self):
        return self.message

    def __str__(self):
        return self.message


EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
# Eight or more digits, possibly grouped by spaces, dots or dashes: national
# ids, health insurance or phone numbers, hospital record numbers.
LONG_NUMBER = re.compile(r"\d(?:[\s.\-/]?\d){7,}")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# Dates of birth written out (12.03.2015, 2015-03-12, 12/03/15).
FULL_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")


def identifier_problem(text: str) -> str | None:
    """What in ``text`` looks like a direct identifier of a patient, if any."""
    if not text:
        return None
    if EMAIL.search(text):
        return "an e-mail address"
    if LONG_NUMBER.search(text):
        return "a long number (an id, record or phone number)"
    if URL.search(text):
        return "a web address"
    return None


def no_identifiers(label):
    """A constraint for free text: refuse what looks like a direct identifier."""

    def check(value):
        problem = identifier_problem(value)
        if problem:
            raise FieldError(
                f"{label}: this looks like {problem}. Cases are pseudonymised: "
                "leave out anything that identifies the patient directly."
            )
        return True

    return check


def nickname_constraint(value):
    no_identifiers("Nickname")(value)
    if FULL_DATE.search(value):
        raise FieldError(
            "Nickname: this looks like a date. Do not use a date of birth; "
            "give the year of birth or the age band in their own fields."
        )
    return True


EARLIEST_YEAR_OF_BIRTH = 1900


def year_of_birth_constraint(value):
    this_year = date.today().year
    if value > this_year:
        raise FieldError(f"Year of birth: {value} is in the future.")
    if value < EARLIEST_YEAR_OF_BIRTH:
        raise FieldError(
            f"Year of birth: {value} is not plausible "
            f"(give a year from {EARLIEST_YEAR_OF_BIRTH} to {this_year})."
        )
    return True


# ICD-10 as the WHO and its national modifications write it: a letter, two
# digits, then optionally a dot and up to four characters (E34.5, Q64.10).


class Choice(BaseChoice):
    """A Choice whose error names the field and the refused value.

    zope.schema says only "Constraint not satisfied"; ``label`` names the
    field when the choice is the value type of a list (it has no title).
    """

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label

    def _validate(self, value):
        try:
            super()._validate(value)
        except ConstraintNotSatisfied as error:
            label = self.label or self.title or self.__name__
            raise FieldError(
                f"{label}: '{value}' is not one of the allowed values."
            ) from error
