"""What the items of a case share: a fixed URL id and readable titles."""

from plone.app.content.interfaces import INameFromTitle
from zope.interface import implementer


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
