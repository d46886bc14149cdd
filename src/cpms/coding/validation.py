"""Checks of coded fields, with messages that name the field and the fix."""

import re

from cpms import _
from cpms.coding.index import icd10_index
from cpms.coding.index import orpha_inactive
from cpms.coding.index import orpha_index
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


ORPHA_FIELD = _("Diagnosis (ORPHAcodes)")


def orpha_refusal(code: str):
    """The message refusing an ORPHAcode Orphanet no longer uses, or None.

    A deprecated code names the code that replaced it; an obsolete one the
    active code Orphanet suggests evaluating instead, if there is one.
    """
    old = orpha_inactive().get(code)
    if old is None:
        return None
    target = orpha_index().get(old.target)
    mapping = {
        "field": ORPHA_FIELD,
        "code": old.code,
        "name": old.name.removeprefix("OBSOLETE: "),
        "target": target.code if target else "",
        "target_name": target.name if target else "",
    }
    if target is None:
        return _(
            "${field}: ${code} (${name}) is obsolete in Orphanet's nomenclature "
            "and has no replacement; type the disease name and choose a current "
            "code from the list.",
            mapping=mapping,
        )
    if old.status == "deprecated":
        return _(
            "${field}: ${code} (${name}) is no longer used; Orphanet replaced it "
            "with ${target} (${target_name}). Choose ${target} instead.",
            mapping=mapping,
        )
    return _(
        "${field}: ${code} (${name}) is obsolete in Orphanet's nomenclature; "
        "Orphanet suggests ${target} (${target_name}) instead. Choose it or a "
        "more precise disease from the list.",
        mapping=mapping,
    )


def orpha_constraint(value):
    """Refuse an ORPHAcode Orphanet retired, naming the code in its place.

    Runs before the vocabulary's own check (zope.schema checks a Choice's
    constraint first), so a retired code is refused with its replacement
    rather than as merely "not one of the allowed values"; a code that was
    never Orphanet's is left to that check.
    """
    refusal = orpha_refusal(value) if value not in orpha_index() else None
    if refusal is not None:
        raise FieldError(refusal)
    return True
