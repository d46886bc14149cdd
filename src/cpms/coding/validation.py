"""Checks of coded fields, with messages that name the field and the fix."""

import re

from cpms import _
from cpms.coding.index import icd10_index
from cpms.core.validation import FieldError

ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


def icd10_known(code: str) -> bool:
    """A WHO ICD-10 (2019) category or subcategory, or a national extension.

    National modifications (ICD-10-GM, ICD-10-CM) add digits after a WHO
    subcategory (Q54.10 under Q54.1); those are kept, anything else must be
    in the WHO list.
    """
    index = icd10_index()
    if code in index:
        return True
    head, _dot, tail = code.partition(".")
    return len(tail) > 1 and tail[1:].isdigit() and f"{head}.{tail[0]}" in index


def icd10_constraint(value):
    if not ICD10.match(value):
        raise FieldError(
            _(
                "ICD-10 codes: '${code}' is not an ICD-10 code (a letter, two "
                "digits, then optionally a dot and more: Q54.1).",
                mapping={"code": value},
            )
        )
    if not icd10_known(value):
        raise FieldError(
            _(
                "ICD-10 codes: '${code}' is not a code of WHO ICD-10 (2019); "
                "type a disease name or a code and choose it from the list.",
                mapping={"code": value},
            )
        )
    return True
