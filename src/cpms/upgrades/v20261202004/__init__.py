"""Guides and common problems name the page they translate (cpms.translation).

A site made before has the types without the behaviour; the default profile's
types/Guide.xml and types/FAQEntry.xml give it to new sites.  Existing pages
keep working: a page without a language is in the site's language, a page
without ``translation_of`` is an original.
"""

from plone import api

from cpms.public.translations import BEHAVIOR

TYPES = ("Guide", "FAQEntry")


def upgrade(setup_tool):
    types = api.portal.get_tool("portal_types")
    for name in TYPES:
        fti = types.get(name)
        if fti is None or BEHAVIOR in fti.behaviors:
            continue
        fti.behaviors = (*fti.behaviors, BEHAVIOR)
