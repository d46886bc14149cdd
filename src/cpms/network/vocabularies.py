"""Vocabularies of the network's own content: expertise areas and providers.

Values (what is stored) are UIDs, so renaming an item keeps the references
valid. Tokens (what forms and REST send) are the items' ids in /network, e.g.
``danube-university-hospital``, readable in scripts; a UID is accepted too.
Titles say enough to choose: "Workstream: area" and "Provider (City, Country)".
The catalog query runs as the current user: people see only what they may.
"""

from plone import api
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from cpms.core.countries import country_name


def _vocabulary(terms):
    # Ids are unique in /network; should an item live elsewhere with the same
    # id, its UID serves as its token.
    seen = set()
    for term in terms:
        if term.token in seen:
            term.token = term.value
        seen.add(term.token)
    return SimpleVocabulary(terms)


def _objects(portal_type):
    brains = api.content.find(portal_type=portal_type, sort_on="sortable_title")
    for brain in brains:
        yield brain.getObject()


@provider(IVocabularyFactory)
def expertise_areas(context=None):
    terms = []
    for area in _objects("ExpertiseArea"):
        title = area.title
        if getattr(area, "workstream", None):
            title = f"{area.workstream}: {area.title}"
        terms.append(SimpleTerm(area.UID(), token=area.getId(), title=title))
    terms.sort(key=lambda t: t.title.lower())
    return _vocabulary(terms)


@provider(IVocabularyFactory)
def healthcare_providers(context=None):
    terms = []
    for hcp in _objects("HealthcareProvider"):
        where = ", ".join(
            part
            for part in (
                getattr(hcp, "city", None),
                country_name(hcp.country) if getattr(hcp, "country", None) else None,
            )
            if part
        )
        title = f"{hcp.title} ({where})" if where else hcp.title
        terms.append(SimpleTerm(hcp.UID(), token=hcp.getId(), title=title))
    return _vocabulary(terms)
