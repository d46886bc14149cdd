"""The "Refer a case" and "Helpdesk" easyforms, created from code.

collective.easyform has no GenericSetup step for forms: a form is an
``EasyForm`` item whose fields and actions are supermodel XML strings
(``fields_model``, ``actions_model``).  ``ensure_forms`` (called by the
default profile's post_install) creates each form once, publishes it and
makes it the page of its section, so /refer-a-case and /helpdesk show the
form.  An existing form is left alone: staff may have edited it.
"""

from plone import api
from plone.app.textfield.value import RichTextValue
from plone.autoform.widgets import WidgetExportImportHandler
from z3c.form.browser.interfaces import IHTMLSelectWidget
from zope import schema

from cpms import _
from cpms import logger
from cpms.referrals import texts


class ISelectPrompt(IHTMLSelectWidget):
    prompt = schema.Bool(title=_("Show a prompt first"), default=False)


# Lets a fields model ask a required select for a "Select a value" prompt
# (``<form:widget ...><prompt>True</prompt></form:widget>``), so that no
# country is chosen for the visitor by default.
SelectWidgetHandler = WidgetExportImportHandler(ISelectPrompt)

MODEL_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema"
       xmlns:easyform="http://namespaces.plone.org/supermodel/easyform"
       xmlns:form="http://namespaces.plone.org/supermodel/form">
  <schema>
"""
MODEL_TAIL = """  </schema>
</model>
"""

# Against spam robots: a field people never see (robots fill it in) and the
# time the form was shown, signed (see cpms.referrals.validators).
SPAM_FIELDS = """
    <field name="leave_empty" type="zope.schema.TextLine"
           easyform:css_class="visually-hidden"
           easyform:validators="cpms.stays_empty">
      <title>Leave this field empty</title>
      <description>A check against automated spam.</description>
      <required>False</required>
    </field>
    <field name="started" type="zope.schema.TextLine"
           easyform:THidden="True"
           easyform:TDefault="object/@@cpms-form-token">
      <title>Form shown at</title>
      <required>False</required>
    </field>
"""

# A TextLine title cannot wrap: the long one comes in after.
CONSENT_TITLE = (
    "I will ask the patient's consent and upload the medical records if the "
    "network takes the case"
)
REFERRAL_FIELDS = (
    MODEL_HEAD
    + """
    <field name="clinician_name" type="zope.schema.TextLine">
      <title>Your name</title>
      <description>You, the clinician who treats the patient.</description>
    </field>
    <field name="clinician_email" type="zope.schema.TextLine"
           easyform:validators="isValidEmail">
      <title>Your email address</title>
      <description>We send the confirmation and our answer here.</description>
    </field>
    <field name="provider" type="zope.schema.TextLine">
      <title>Your hospital or healthcare provider</title>
      <description>Its name and city.</description>
    </field>
    <field name="country" type="zope.schema.Choice"
           easyform:validators="cpms.eu_eea_country">
      <title>Country of your healthcare provider</title>
      <description>The network takes referrals from providers in the EU and the
        EEA. If yours is elsewhere, choose "Another country" to
        learn where to turn.</description>
      <vocabulary>cpms.vocabularies.referral_countries</vocabulary>
      <form:widget type="z3c.form.browser.select.SelectFieldWidget">
        <prompt>True</prompt>
      </form:widget>
    </field>
    <field name="expertise_area" type="zope.schema.Choice">
      <title>Expertise area</title>
      <description>The area of the network the condition belongs to. Not sure?
        Leave it empty: the coordinator will choose.</description>
      <vocabulary>cpms.vocabularies.expertise_areas</vocabulary>
      <required>False</required>
    </field>
    <field name="urgency" type="zope.schema.Choice">
      <title>Urgency</title>
      <default>routine</default>
      <vocabulary>cpms.vocabularies.referral_urgency</vocabulary>
    </field>
    <field name="summary" type="zope.schema.Text"
           easyform:validators="cpms.no_identifiers">
      <title>Case summary</title>
      <description>Age, sex, symptoms, findings, diagnosis so far and
        treatments tried. Do NOT enter the patient's name, address,
        date of birth or any identity number.</description>
    </field>
    <field name="question" type="zope.schema.Text"
           easyform:validators="cpms.no_identifiers">
      <title>Your question to the experts</title>
      <description>What would you like the panel to advise on?</description>
    </field>
    <field name="consent" type="zope.schema.Bool"
           easyform:validators="isChecked">
      <title>{consent_title}</title>
      <description>Required: the panel can only discuss a case with the
        patient's consent.</description>
      <required>True</required>
    </field>
    <field name="privacy" type="collective.easyform.fields.RichLabel">
      <title>Privacy</title>
      <required>False</required>
      <rich_label>{privacy}</rich_label>
    </field>
"""
    + SPAM_FIELDS
    + MODEL_TAIL
)

REFERRAL_FIELDS = REFERRAL_FIELDS.replace("{consent_title}", CONSENT_TITLE)

REFERRAL_ACTIONS = (
    MODEL_HEAD
    + """
    <field name="create_referral" type="cpms.referrals.actions.CreateReferral">
      <title>Create the referral and send the mails</title>
    </field>
"""
    + MODEL_TAIL
)

HELPDESK_FIELDS = (
    MODEL_HEAD
    + """
    <field name="name" type="zope.schema.TextLine">
      <title>Your name</title>
    </field>
    <field name="replyto" type="zope.schema.TextLine"
           easyform:validators="isValidEmail">
      <title>Your email address</title>
      <description>The helpdesk answers you here.</description>
    </field>
    <field name="topic" type="zope.schema.Choice">
      <title>What is it about?</title>
      <values>
        <element>Logging in (EU Login)</element>
        <element>Access to the portal</element>
        <element>A referral</element>
        <element>A case or a panel</element>
        <element>Video meetings</element>
        <element>Feedback or something else</element>
      </values>
    </field>
    <field name="subject" type="zope.schema.TextLine">
      <title>Subject</title>
    </field>
    <field name="message" type="zope.schema.Text">
      <title>Your message</title>
      <description>Please do not include patient data.</description>
    </field>
"""
    + SPAM_FIELDS
    + MODEL_TAIL
)

SHOWN = ["name", "replyto", "topic", "subject", "message"]
HELPDESK_ACTIONS = (
    MODEL_HEAD
    + """
    <field name="spam_guard" type="cpms.referrals.actions.SpamGuard">
      <title>Spam guard</title>
    </field>
    <field name="mailer" type="cpms.referrals.actions.HelpdeskMailer">
      <title>Mail to the helpdesk</title>
      <replyto_field>replyto</replyto_field>
      <subject_field>subject</subject_field>
      <showAll>False</showAll>
      <showFields>{shown}</showFields>
    </field>
    <field name="saved" type="collective.easyform.actions.SaveData">
      <title>Saved messages</title>
      <showFields>{shown}</showFields>
      <ExtraData><element>dt</element></ExtraData>
    </field>
"""
    + MODEL_TAIL
)


def _elements(names):
    return "".join(f"<element>{n}</element>" for n in names)


def _escape(html: str) -> str:
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _links(portal) -> dict[str, str]:
    """``resolveuid`` links to the sections the texts point to."""
    links = {}
    for key, section in (
        ("network", "network"),
        ("consent_forms", "consent-forms"),
        ("helpdesk", "helpdesk"),
        ("common_problems", "common-problems"),
        ("guides", "guides"),
    ):
        folder = portal.get(section)
        links[key] = f"resolveuid/{api.content.get_uuid(folder)}" if folder else "#"
    return links


def _html(text: str, links: dict) -> RichTextValue:
    return RichTextValue(text.format(**links), "text/html", "text/x-html-safe")


def ensure_forms(portal=None):
    portal = portal or api.portal.get()
    links = _links(portal)
    ensure_form(
        portal["refer-a-case"],
        "referral-form",
        title="Refer a case",
        description=(
            "Clinicians outside the network can ask the network's experts for "
            "advice on a patient with a rare or complex condition."
        ),
        fields_model=REFERRAL_FIELDS.replace(
            "{privacy}", _escape(texts.PRIVACY.strip())
        ),
        actions_model=REFERRAL_ACTIONS,
        formPrologue=_html(texts.ELIGIBILITY, links),
        submitLabel="Send the referral",
        thankstitle="Thank you: your referral was sent",
        thanksdescription="",
        thanksPrologue=_html(texts.REFERRAL_THANKS, links),
        showAll=False,
        showFields=["clinician_name", "clinician_email", "provider", "urgency"],
    )
    ensure_form(
        portal["helpdesk"],
        "contact-form",
        title="Helpdesk",
        description="Questions, problems and feedback about the portal.",
        fields_model=HELPDESK_FIELDS,
        actions_model=HELPDESK_ACTIONS.replace("{shown}", _elements(SHOWN)),
        formPrologue=_html(texts.HELPDESK_INTRO, links),
        submitLabel="Send to the helpdesk",
        thankstitle="Thank you: the helpdesk has your message",
        thanksdescription="",
        thanksPrologue=_html(texts.HELPDESK_THANKS, links),
        showAll=False,
        showFields=["name", "replyto", "subject"],
    )


def ensure_form(section, form_id, **values):
    """Create the form in ``section`` unless it exists; publish it; make it
    the section's page (so the section's URL shows the form)."""
    form = section.get(form_id)
    if form is None:
        form = api.content.create(
            container=section, type="EasyForm", id=form_id, **values
        )
        logger.info("Created the form %s", "/".join(form.getPhysicalPath()))
    if api.content.get_state(form, default=None) == "private":
        api.content.transition(obj=form, to_state="published")
    section.setDefaultPage(form_id)
    return form
