"""What the items of a case share: a fixed URL id and readable titles.

Items are named after what they are (a contribution) or their title (a file,
a meeting), numbered in the order they come: ``contribution``,
``contribution-1``, ``contribution-2``... Plone's name chooser finds the next
free number by trying them in turn: two experts posting at the same moment
get the same one, and one of them conflicts on the case (ZODB
``ConflictError``). The case's name chooser takes the number from a sequence
of the case for that name instead (cpms.core.sequences), which hands out each
number once, to whoever asks at the same moment.
"""

import re

from Acquisition import aq_base
from Acquisition import aq_inner
from plone.app.content.interfaces import INameFromTitle
from plone.app.content.namechooser import FILENAME_REGEX
from plone.app.content.namechooser import NormalizingNameChooser
from plone.i18n.normalizer.interfaces import IURLNormalizer
from plone.i18n.normalizer.interfaces import IUserPreferredURLNormalizer
from zope.component import getUtility
from zope.interface import implementer

from cpms.core.annotations import annotation
from cpms.core.sequences import next_number
from cpms.core.sequences import sequences

SEQUENCES_KEY = "cpms.item_names"


@implementer(INameFromTitle)
class FixedName:
    """The URL id of a case item says what it is (``contribution-2``), and
    never repeats anything typed into the item."""

    name = "item"

    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        return self.name


class ConsentRecordName(FixedName):
    name = "consent"


class ContributionName(FixedName):
    name = "contribution"


class OutcomeReportName(FixedName):
    name = "outcome-report"


def item_sequences(case, create: bool = False):
    return annotation(case, SEQUENCES_KEY, sequences if create else None)


def _numbered(base: str, number: int) -> str:
    """``base`` for the first, then ``base-1``... (``scan-1.pdf`` for a file
    name, as Plone numbers them)."""
    if number == 1:
        return base
    found = FILENAME_REGEX.match(base)
    stem, ext = (found.group(1), "." + found.group(2)) if found else (base, "")
    return f"{stem}-{number - 1}{ext}"


def _highest_in_use(case, base: str) -> int:
    """How many ``base``s the case already has, by their numbers."""
    found = FILENAME_REGEX.match(base)
    stem, ext = (found.group(1), "." + found.group(2)) if found else (base, "")
    pattern = re.compile(rf"^{re.escape(stem)}(?:-(\d+))?{re.escape(ext)}$")
    matches = [pattern.match(item_id) for item_id in case.objectIds()]
    return max((int(m.group(1) or 0) + 1 for m in matches if m), default=0)


def _base_name(case, obj) -> str:
    """The name Plone would start from: the item's fixed name or title,
    normalized for URLs."""
    from_title = INameFromTitle(obj, None)
    name = getattr(from_title, "title", None) or getattr(aq_base(obj), "id", None)
    name = name or obj.portal_type
    request = getattr(case, "REQUEST", None)
    if request is not None and not isinstance(request, str):
        return IUserPreferredURLNormalizer(request).normalize(name)
    return getUtility(IURLNormalizer).normalize(name)


class CaseItemNames(NormalizingNameChooser):
    """Name chooser of a case: an item without a given name is numbered from
    the case's sequence of its name."""

    def chooseName(self, name, obj):
        if name:
            return super().chooseName(name, obj)
        case = aq_inner(self.context)
        base = _base_name(case, obj)
        tree = item_sequences(case, create=True)
        at_least = 0
        if base not in tree:
            # Items named before the case had this sequence: after them.
            at_least = _highest_in_use(case, base)
        number = next_number(tree, base, at_least)
        candidate = _numbered(base, number)
        # Taken anyway (an item added with this id by hand): Plone's way.
        return super().chooseName(candidate, obj)
