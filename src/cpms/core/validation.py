"""Field checks of the case types, with messages that name the field.

Each check raises a ``FieldError``: z3c.form shows its message next to the
field, and plone.restapi answers 400 with it (and the field's name).
"""

import re
import unicodedata
from datetime import date

from zope import schema
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.schema import Choice as BaseChoice
from zope.schema import ValidationError
from zope.schema.interfaces import ConstraintNotSatisfied

from cpms import _
from cpms.core import identifiers
from cpms.core.i18n import translate_here


class FieldError(ValidationError):
    """A field's value does not fit; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def doc(self):
        # z3c.form and plone.restapi show doc() as it is: a message with a
        # mapping must leave here as text in the reader's language, or they
        # show its msgid with ${field} unfilled.
        if isinstance(self.message, Message):
            return translate_here(self.message)
        return self.message

    def __str__(self):
        # A translatable message (cpms.core.identifiers) reads, outside a
        # request, as its default text with its variables filled in.
        if isinstance(self.message, Message):
            return translate(self.message)
        return self.message


# Dates written out (12.03.2015, 2015-03-12, 12/03/15): in a nickname, a
# date is most likely a date of birth.
FULL_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")


def identifier_problem(text: str) -> str | None:
    """What in ``text`` looks like a direct identifier of a patient, if any.

    The first finding that refuses the text (cpms.core.identifiers), in
    words: "an e-mail address".
    """
    for finding in identifiers.refusals(text or ""):
        return identifiers.describe(finding)
    return None


def identifier_refusal(label, text: str) -> str | None:
    """The message refusing ``text`` as the value of ``label``, if it holds a
    direct identifier (for texts that are not a schema field: workflow
    comments)."""
    for finding in identifiers.refusals(text or ""):
        return translate(identifiers.message(label, finding))
    return None


class IdentifierCheck:
    """A field constraint: refuse what looks like a direct identifier.

    The field's warnings (``identifiers.warnings``) are not refused; the
    forms show them after saving (cpms.cases.identifiers), and ``label``
    says which field they are about.
    """

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        for finding in identifiers.refusals(value or ""):
            raise FieldError(identifiers.message(self.label, finding))
        return True


def no_identifiers(label):
    """A constraint for free text: refuse what looks like a direct identifier."""
    return IdentifierCheck(label)


def nickname_constraint(value):
    no_identifiers(_("Nickname"))(value)
    if FULL_DATE.search(value):
        raise FieldError(
            _(
                "Nickname: this looks like a date. Do not use a date of birth; "
                "give the year of birth or the age band in their own fields."
            )
        )
    return True


EARLIEST_YEAR_OF_BIRTH = 1900


def year_of_birth_constraint(value):
    this_year = date.today().year
    if value > this_year:
        raise FieldError(
            _("Year of birth: ${year} is in the future.", mapping={"year": value})
        )
    if value < EARLIEST_YEAR_OF_BIRTH:
        raise FieldError(
            _(
                "Year of birth: ${year} is not plausible (give a year from "
                "${earliest} to ${latest}).",
                mapping={
                    "year": value,
                    "earliest": EARLIEST_YEAR_OF_BIRTH,
                    "latest": this_year,
                },
            )
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
                _(
                    "${field}: '${value}' is not one of the allowed values.",
                    mapping={"field": label, "value": value},
                )
            ) from error


# What every text field of the portal's types checks, before its own
# constraint runs (so no constraint ever sees a 100 KB value): a size cap,
# valid Unicode (a lone surrogate cannot be encoded, and once stored every
# page that shows the value fails), no control characters, and for a
# single-line field no line break.
LINE_MAX = 200
TEXT_MAX = 20_000
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
TEXT_WHITESPACE = frozenset("\n\r\t")


def text_problem(value: str, *, single_line: bool, max_length: int) -> str | None:
    """What is wrong with ``value`` as the text of a field, if anything.

    Linear in the length of ``value``, and the length is checked first. Plain
    text in the request's language (callers put it after a field's name).
    """
    if len(value) > max_length:
        return translate_here(
            _(
                "at most ${max} characters, not ${length}.",
                mapping={"max": max_length, "length": len(value)},
            )
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return translate_here(_("it contains characters that are not valid Unicode."))
    for character in value:
        if character in LINE_BREAKS:
            if single_line:
                return translate_here(_("a single line: remove the line break."))
            continue
        if character in TEXT_WHITESPACE:
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cs", "Co", "Cn"):
            return translate_here(
                _(
                    "it contains a control or unassigned character (${code}); "
                    "remove it.",
                    mapping={"code": f"U+{ord(character):04X}"},
                )
            )
    return None


def _label(field):
    # The field's title stays a message: translated with the error.
    return field.title or field.__name__ or _("This field")


class _CheckedText:
    """The checks of ``text_problem`` for a zope.schema text field."""

    single_line = True
    default_max_length = LINE_MAX

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def _validate(self, value):
        if isinstance(value, str):
            problem = text_problem(
                value,
                single_line=self.single_line,
                max_length=self.max_length or self.default_max_length,
            )
            if problem:
                raise FieldError(
                    _(
                        "${field}: ${problem}",
                        mapping={"field": _label(self), "problem": problem},
                    )
                )
            if self.required and not value.strip():
                raise FieldError(
                    _(
                        "${field}: required, it cannot be empty.",
                        mapping={"field": _label(self)},
                    )
                )
        super()._validate(value)


class TextLine(_CheckedText, schema.TextLine):
    """A single line of text: no line break, no control character, capped."""


class Text(_CheckedText, schema.Text):
    """Free text: line breaks and tabs allowed, no other control character."""

    single_line = False
    default_max_length = TEXT_MAX


class Bool(schema.Bool):
    """True or false, and nothing else.

    zope.schema's ``Bool`` accepts any ``int`` (``2``, ``-1``), since
    ``bool`` is a subclass of ``int`` and it checks with ``isinstance``.
    """

    def _validate(self, value):
        if value is not None and value is not True and value is not False:
            raise FieldError(
                _(
                    "${field}: true or false, not ${value}.",
                    mapping={"field": _label(self), "value": repr(value)},
                )
            )
        super()._validate(value)
