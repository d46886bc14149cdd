"""OutcomeReport: the panel's advice on a case, signed by the panel lead.

Signing (and locking the report when signed) belongs to the case workflow
(cpms.cases.workflow), which sets ``signed_by`` and ``signed_on``; both are
read-only in forms and in REST. The statement on legal responsibility is
fixed: the same words appear on the view, in REST and in the PDF.
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from cpms import _
from cpms.cases.interfaces import ICaseItem
from cpms.core.validation import Text
from cpms.core.validation import TextLine
from cpms.core.validation import no_identifiers

# A catalogue message: pages and the PDF give it in their reader's language.
LIABILITY_STATEMENT = _(
    "This report gives the advice of an expert panel of the network. It is not "
    "a prescription. The clinician who treats the patient decides on the care "
    "and keeps the full legal and medical responsibility for the patient."
)


class IOutcomeReport(model.Schema):
    """The panel's advice: findings, recommendations, treatment plan."""

    findings = Text(
        title=_("Findings"),
        description=_("What the panel found in the case."),
        required=True,
        constraint=no_identifiers("Findings"),
    )

    recommendations = Text(
        title=_("Recommendations"),
        required=True,
        constraint=no_identifiers("Recommendations"),
    )

    treatment_plan = Text(
        title=_("Treatment plan"),
        required=False,
        constraint=no_identifiers("Treatment plan"),
    )

    references = Text(
        title=_("References"),
        description=_("Literature and guidelines, one per line."),
        required=False,
        # An author's name in a reference only warns (cpms.core.identifiers
        # reads "et al.", a DOI, a journal's year); anything else refuses.
        constraint=no_identifiers("References"),
    )

    liability_statement = Text(
        title=_("Responsibility"),
        readonly=True,
        required=False,
    )

    report_language = schema.Choice(
        title=_("Language of the PDF"),
        description=_(
            "The downloadable report (its headings and the statement on "
            "responsibility) is written in this language. Without a choice: "
            "the language the panel lead chose in their preferences."
        ),
        vocabulary="plone.app.vocabularies.SupportedContentLanguages",
        required=False,
    )

    signed_by = TextLine(
        title=_("Signed by"),
        description=_("User id of the panel lead who signed the report."),
        readonly=True,
        required=False,
    )

    signed_on = schema.Datetime(
        title=_("Signed on"),
        readonly=True,
        required=False,
    )


@implementer(IOutcomeReport, ICaseItem)
class OutcomeReport(Item):
    """An outcome report; unsigned until the panel lead signs it."""

    liability_statement = LIABILITY_STATEMENT
    report_language = None
    signed_by = None
    signed_on = None

    @property
    def title(self):
        return "Outcome report"

    @title.setter
    def title(self, value):
        pass

    def Title(self):
        return self.title
