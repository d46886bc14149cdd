"""Full-text of the case types, for Plone's search.

Search results are filtered by the View permission like any catalog query,
so a case's text is found only by the people who may see the case.
"""

from plone.indexer import indexer

from cpms.cases.content.case import ICase
from cpms.cases.content.contribution import IContribution
from cpms.cases.content.outcome_report import IOutcomeReport
from cpms.coding.index import hpo_index
from cpms.coding.index import orpha_index


def _join(*parts):
    return " ".join(str(p) for p in parts if p)


def _coded(index, codes):
    entries = (index.get(code) for code in codes or ())
    return [e.title for e in entries if e is not None]


@indexer(ICase)
def case_text(obj):
    return _join(
        obj.case_id,
        obj.nickname,
        obj.clinical_summary,
        obj.clinical_question,
        *_coded(orpha_index(), obj.orpha_codes),
        *(obj.icd10_codes or ()),
        *_coded(hpo_index(), obj.hpo_terms),
    )


@indexer(IContribution)
def contribution_text(obj):
    return _join(obj.Title(), obj.text)


@indexer(IOutcomeReport)
def outcome_report_text(obj):
    return _join(obj.Title(), obj.findings, obj.recommendations, obj.treatment_plan)


@indexer(ICase)
def case_codes(obj):
    """The case's ORPHA, ICD-10 and HPO codes as they are written
    (``ORPHA:93930``, ``Q64.1``, ``HP:0000252``) for the KeywordIndex
    ``case_codes``: a search by code is one index lookup (the full text
    holds the terms' names, not their codes)."""
    codes = [
        *(obj.orpha_codes or ()),
        *(str(code).strip().upper() for code in obj.icd10_codes or ()),
        *(obj.hpo_terms or ()),
    ]
    return sorted({str(code) for code in codes if code})
