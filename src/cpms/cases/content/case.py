"""The Case: a pseudonymised, coded patient case (the patient panel).

A case holds no direct identifier of the patient: no name, address, date of
birth or national id. It is known by its generated ERN case id, which is also
its title and (lower-cased) its id in the URL.
"""

from plone import api
from plone.app.z3cform.widgets.select import AjaxSelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.form.interfaces import IAddForm
from zope import schema
from zope.interface import Invalid
from zope.interface import implementer
from zope.interface import invariant

from cpms import _
from cpms.cases.sharing import PeopleOnlyLocalRoles
from cpms.coding.validation import icd10_constraint
from cpms.coding.validation import orpha_constraint
from cpms.core.containers import ItemsLeaveContainerAsIs
from cpms.core.validation import Bool
from cpms.core.validation import Choice
from cpms.core.validation import Text
from cpms.core.validation import TextLine
from cpms.core.validation import nickname_constraint
from cpms.core.validation import no_identifiers
from cpms.core.validation import year_of_birth_constraint


def current_user_id():
    user = api.user.get_current()
    return None if user is None else user.getId()


class ICase(model.Schema):
    """A patient case. It holds no direct identifier of the patient."""

    case_id = TextLine(
        title=_("ERN case id"),
        description=_("Generated when the case is created; never changes."),
        required=False,
        readonly=True,
    )
    directives.omitted(IAddForm, "case_id")

    # The title is the case id. A read-only field so that REST shows it;
    # forms leave it out (they show case_id).
    title = TextLine(title=_("Title"), readonly=True, required=False)
    directives.omitted("title")

    nickname = TextLine(
        title=_("Nickname"),
        description=_(
            "A pseudonym the panel uses to talk about the patient. Never the "
            "patient's name, initials, date of birth or any number."
        ),
        max_length=40,
        required=True,
        constraint=nickname_constraint,
    )

    sex = Choice(
        title=_("Sex"),
        vocabulary="cpms.vocabularies.sexes",
        required=True,
    )

    year_of_birth = schema.Int(
        title=_("Year of birth"),
        description=_("Or, if the year should not be given, the age band."),
        required=False,
        constraint=year_of_birth_constraint,
    )

    age_band = Choice(
        title=_("Age band"),
        vocabulary="cpms.vocabularies.age_bands",
        required=False,
    )

    referring_hcp = Choice(
        title=_("Referring healthcare provider"),
        description=_("The member centre that presents the case."),
        vocabulary="cpms.vocabularies.healthcare_providers",
        required=True,
    )

    referring_clinician = TextLine(
        title=_("Referring clinician"),
        description=_("User id of the clinician who treats the patient."),
        required=True,
        defaultFactory=current_user_id,
    )

    urgent = Bool(
        title=_("Urgent"),
        description=_("The panel should answer within days, not weeks."),
        required=False,
        default=False,
    )

    expertise_area = Choice(
        title=_("Expertise area"),
        vocabulary="cpms.vocabularies.expertise_areas",
        required=True,
    )

    clinical_summary = Text(
        title=_("Clinical summary"),
        description=_("History, findings and treatments so far."),
        required=True,
        constraint=no_identifiers("Clinical summary"),
    )

    clinical_question = Text(
        title=_("Clinical question"),
        description=_("What the referring clinician asks the panel."),
        required=True,
        constraint=no_identifiers("Clinical question"),
    )

    model.fieldset(
        "coding",
        label=_("Diagnosis and phenotype"),
        fields=["orpha_codes", "icd10_codes", "hpo_terms"],
    )

    orpha_codes = schema.List(
        title=_("Diagnosis (ORPHAcodes)"),
        description=_("Type a disease name or an ORPHAcode."),
        value_type=Choice(
            vocabulary="cpms.vocabularies.orpha_diseases",
            label="Diagnosis (ORPHAcodes)",
            # an obsolete code is refused naming its replacement
            constraint=orpha_constraint,
        ),
        required=False,
        default=[],
        missing_value=[],
    )
    directives.widget(
        "orpha_codes",
        AjaxSelectFieldWidget,
        vocabulary="cpms.vocabularies.orpha_diseases",
        pattern_options={"minimumInputLength": 2},
    )

    icd10_codes = schema.List(
        title=_("Diagnosis (ICD-10 codes)"),
        description=_("For example Q64.1; one code per entry."),
        value_type=TextLine(constraint=icd10_constraint),
        required=False,
        default=[],
        missing_value=[],
    )
    directives.widget(
        "icd10_codes",
        AjaxSelectFieldWidget,
        vocabulary="cpms.vocabularies.icd10_codes",
        pattern_options={"minimumInputLength": 2, "allowNewItems": True},
    )

    hpo_terms = schema.List(
        title=_("Phenotype (HPO terms)"),
        description=_("Type a sign or symptom, or an HPO id."),
        value_type=Choice(
            vocabulary="cpms.vocabularies.hpo_terms", label="Phenotype (HPO terms)"
        ),
        required=False,
        default=[],
        missing_value=[],
    )
    directives.widget(
        "hpo_terms",
        AjaxSelectFieldWidget,
        vocabulary="cpms.vocabularies.hpo_terms",
        pattern_options={"minimumInputLength": 2},
    )

    @invariant
    def year_or_age_band(data):
        year = getattr(data, "year_of_birth", None)
        band = getattr(data, "age_band", None)
        if not year and not band:
            raise Invalid(_("Year of birth or age band: give at least one of them."))


@implementer(ICase)
class Case(ItemsLeaveContainerAsIs, PeopleOnlyLocalRoles, Container):
    """A case; its title is its ERN case id.

    Adding an item (a contribution, a file) leaves the case itself as it is,
    so that experts posting at the same moment do not conflict on it
    (cpms.core.containers); the dashboards' data about its items is
    reindexed by their own subscribers.
    """

    case_id = None

    @property
    def title(self):
        return self.case_id or ""

    @title.setter
    def title(self, value):
        # The title is the generated case id; a given title is ignored so
        # that nothing typed into it can identify the patient.
        pass

    def Title(self):
        return self.title
