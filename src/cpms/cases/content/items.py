"""What the items of a case share: a fixed URL id and readable titles.

Items are named after what they are, numbered in the order they come:
``contribution``, ``contribution-1``, ``contribution-2``... Plone's name
chooser finds the next free number by trying them in turn: two experts
posting at the same moment get the same one, and one of them conflicts on
the case (ZODB ``ConflictError``). The case's name chooser takes the number
from a sequence of the case instead (cpms.core.sequences), which hands out
each number once, to whoever asks at the same moment.
"""

import re

from Acquisition import aq_inner
from plone.app.content.interfaces import INameFromTitle
from plone.app.content.namechooser import NormalizingNameChooser
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer

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
    annotations = IAnnotations(case)
    tree = annotations.get(SEQUENCES_KEY)
    if tree is None and create:
        tree = annotations[SEQUENCES_KEY] = sequences()
    return tree


def _highest_in_use(case, name: str) -> int:
    """How many ``name``s the case already has, by their numbers."""
    pattern = re.compile(rf"^{re.escape(name)}(?:-(\d+))?$")
    found = [pattern.match(item_id) for item_id in case.objectIds()]
    return max((int(m.group(1) or 0) + 1 for m in found if m), default=0)


class CaseItemNames(NormalizingNameChooser):
    """Name chooser of a case: items with a fixed name are numbered from the
    case's sequence of that name; anything else as Plone names it."""

    def chooseName(self, name, obj):
        fixed = INameFromTitle(obj, None)
        if name or not isinstance(fixed, FixedName):
            return super().chooseName(name, obj)
        case = aq_inner(self.context)
        tree = item_sequences(case, create=True)
        at_least = 0
        if fixed.name not in tree:
            # Items named before the case had sequences: number after them.
            at_least = _highest_in_use(case, fixed.name)
        number = next_number(tree, fixed.name, at_least)
        candidate = fixed.name if number == 1 else f"{fixed.name}-{number - 1}"
        # Taken anyway (an item added with this id by hand): Plone's way.
        return super().chooseName(candidate, obj)
