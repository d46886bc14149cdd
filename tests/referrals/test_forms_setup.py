"""The default profile builds the referral and helpdesk easyforms."""

from collective.easyform.api import get_actions
from collective.easyform.api import get_schema
from plone import api
from zope.schema import getFieldsInOrder


def test_refer_a_case_shows_the_referral_form(portal):
    section = portal["refer-a-case"]
    form = section["referral-form"]
    assert form.portal_type == "EasyForm"
    assert section.getDefaultPage() == "referral-form"
    assert api.content.get_state(form) == "published"
    names = [name for name, _f in getFieldsInOrder(get_schema(form))]
    for name in (
        "clinician_name",
        "clinician_email",
        "provider",
        "country",
        "expertise_area",
        "urgency",
        "summary",
        "consent",
        "privacy",
        "leave_empty",
        "started",
    ):
        assert name in names
    actions = dict(getFieldsInOrder(get_actions(form)))
    assert type(actions["create_referral"]).__name__ == "CreateReferral"


def test_helpdesk_form_mails_and_saves(portal):
    form = portal["helpdesk"]["contact-form"]
    assert portal["helpdesk"].getDefaultPage() == "contact-form"
    actions = [type(a).__name__ for _n, a in getFieldsInOrder(get_actions(form))]
    assert actions == ["SpamGuard", "HelpdeskMailer", "SaveData"]


def test_setup_is_idempotent(portal):
    from cpms.referrals.setup import setup_referrals

    form = portal["refer-a-case"]["referral-form"]
    form.title = "Changed by staff"
    setup_referrals(portal)
    assert portal["refer-a-case"]["referral-form"].title == "Changed by staff"
    assert portal["refer-a-case"].objectIds() == ["referral-form"]


def test_registry_defaults(portal):
    assert (
        api.portal.get_registry_record("cpms.helpdesk_email")
        == "helpdesk@cpms.example.org"
    )
    assert api.portal.get_registry_record("cpms.form_min_fill_seconds") == 3
    assert api.portal.get_registry_record("cpms.referral_notify_emails") in ([], None)
