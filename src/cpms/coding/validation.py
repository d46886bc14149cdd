"""Format checks of coded fields, with messages that name the field."""

import re

from cpms import _
from cpms.core.validation import FieldError

ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


def icd10_constraint(value):
    if not ICD10.match(value):
        raise FieldError(
            _(
                "ICD-10 codes: '${code}' is not an ICD-10 code (a letter, two "
                "digits, then optionally a dot and more: Q54.1).",
                mapping={"code": value},
            )
        )
    return True
