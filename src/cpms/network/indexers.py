"""Full-text of the network types, for Plone's search."""

from plone.indexer import indexer

from cpms.core.countries import country_name
from cpms.network.content.expertise_area import IExpertiseArea
from cpms.network.content.healthcare_provider import IHealthcareProvider


def _join(*parts):
    return " ".join(str(p) for p in parts if p)


@indexer(IHealthcareProvider)
def provider_text(obj):
    return _join(
        obj.title,
        obj.description,
        obj.city,
        country_name(obj.country) if obj.country else "",
    )


@indexer(IExpertiseArea)
def expertise_area_text(obj):
    return _join(obj.title, obj.description, obj.workstream)
