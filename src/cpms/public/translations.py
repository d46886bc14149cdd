"""Guides and common problems in more than one language, without language folders.

Each page has its language in Plone's own ``language`` field (the
categorization behaviour, indexed as ``Language``); a translation sits next
to its original in the same section folder and names it in ``translation_of``
(the behaviour ``cpms.translation`` below).  The original and its
translations form one group; a section page shows one page of each group:
the one in the reader's negotiated language, else the one in the site's
language, else the original.  Why not plone.app.multilingual: see
docs/public-portal.md ("Languages of the public pages").
"""

from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope.interface import provider

from cpms import _
from cpms.core.i18n import request_language
from cpms.core.i18n import site_language

BEHAVIOR = "cpms.translation"


@provider(IFormFieldProvider)
class ITranslationOf(model.Schema):
    """The original a page translates."""

    translation_of = RelationChoice(
        title=_("Translation of"),
        description=_(
            "The page in the portal's main language that this page translates. "
            "Leave it empty on the original. Set the page's language under "
            "Categorization."
        ),
        vocabulary="plone.app.vocabularies.Catalog",
        required=False,
    )
    directives.widget(
        "translation_of",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["Guide", "FAQEntry"], "basePath": "/"},
    )


def language_of(obj) -> str:
    """The page's language; a page without one is in the site's language."""
    return (getattr(obj, "language", "") or "").lower() or site_language()


def original(obj):
    """The original of a translation; the page itself when it is one."""
    relation = getattr(obj, "translation_of", None)
    if relation is None or relation.isBroken():
        return obj
    return relation.to_object or obj


def _group(obj) -> str:
    return original(obj).UID()


def pick(objects, language: str | None = None) -> list:
    """One page of each translation group among ``objects``, in their order.

    The one in ``language`` (the request's by default), else the one in the
    site's language, else the first.  Only what is given is considered: a
    search that found only the German page shows it to everyone.
    """
    language = language or request_language()
    default = site_language()
    groups: dict[str, list] = {}
    for obj in objects:
        groups.setdefault(_group(obj), []).append(obj)

    def best(members):
        for wanted in (language, default):
            for obj in members:
                if language_of(obj) == wanted:
                    return obj
        return members[0]

    return [best(members) for members in groups.values()]


def translations(obj, candidates) -> list:
    """The other pages of ``obj``'s group among ``candidates`` (e.g. its folder's
    pages the visitor may see), by language code."""
    group = _group(obj)
    others = [
        other
        for other in candidates
        if other.UID() != obj.UID() and _group(other) == group
    ]
    return sorted(others, key=language_of)
