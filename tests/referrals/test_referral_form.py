"""The "Refer a case" form, used over HTTP by an anonymous visitor."""

import logging
import time

import transaction
from plone import api

from cpms.referrals import states as referral_states
from tests.helpers.smtp import free_port
from tests.referrals.html_form import text_of


def referrals(portal):
    """The referrals the test sent (the layer may hold demo ones too)."""
    transaction.begin()  # see what the server committed
    return [
        o
        for o in portal["referrals"].objectValues()
        if o.portal_type == "Referral" and not o.getId().startswith("demo-")
    ]


def test_the_page_explains_who_may_refer(referral_form):
    referral_form.open()
    text = text_of(referral_form.page)
    for words in (
        "EU or the EEA",
        "expertise areas",
        "national contact point",
        "consent form",
        "outcome report",
        "keep the legal responsibility",
        "Privacy.",
        "Do NOT enter the patient's name",
    ):
        assert words in text, words
    # The rules point to the sections they name.
    assert "/plone/network" in referral_form.page


def test_a_referral_is_stored_and_announced(referral_form, smtp_server):
    smtp_server.connect(referral_form_portal := api.portal.get())
    response = referral_form.send()
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Thank you: your referral was sent" in text
    (referral,) = referrals(referral_form_portal)
    assert f"Your reference is {referral.getId()}" in text
    assert api.content.get_state(referral) == referral_states.SUBMITTED
    assert referral.provider == "General Hospital, Ghent"
    assert referral.country == "BE"
    assert referral.urgency == "urgent"
    assert referral.consent_willing is True
    assert "raised CK" in referral.summary

    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    to_coordinator = mails["coord@example.org"]
    assert referral.getId() in to_coordinator["Subject"]
    assert "(urgent)" in to_coordinator["Subject"]
    body = to_coordinator.get_content()
    assert referral.absolute_url() in body
    assert "raised CK" not in body  # clinical text stays in the portal
    ack = mails["ana.referrer@hospital.example"]
    assert referral.getId() in ack.get_content()
    assert "raised CK" not in ack.get_content()


def test_mail_server_down_keeps_the_referral(referral_form, caplog):
    portal = api.portal.get()
    mailhost = api.portal.get_tool("MailHost")
    mailhost.smtp_host, mailhost.smtp_port = "127.0.0.1", free_port()  # nobody there
    transaction.commit()
    with caplog.at_level(logging.ERROR, logger="cpms"):
        response = referral_form.send()
    assert response.status_code == 200
    assert "Thank you: your referral was sent" in text_of(response.text)
    (referral,) = referrals(portal)
    assert api.content.get_state(referral) == referral_states.SUBMITTED
    assert any("Mail not sent" in r.getMessage() for r in caplog.records)


def test_outside_the_eu_eea_is_refused_with_advice(referral_form):
    response = referral_form.send(**{"country:list": "other"})
    text = text_of(response.text)
    assert "Thank you" not in text
    assert "national contact point for cross-border healthcare of your country" in text
    assert "helpdesk" in text
    assert referrals(api.portal.get()) == []


def test_no_country_chosen_is_refused(referral_form):
    response = referral_form.send(**{"country:list": "--NOVALUE--"})
    assert "Thank you" not in text_of(response.text)
    assert referrals(api.portal.get()) == []


def test_identifiers_in_the_summary_are_refused(referral_form):
    response = referral_form.send(summary="Patient reachable at +32 475 12 34 56.")
    text = text_of(response.text)
    assert "Thank you" not in text
    assert "identifies the patient directly" in text
    assert referrals(api.portal.get()) == []


def test_consent_willingness_is_required(referral_form):
    response = referral_form.send(**{"consent:list": None})
    assert "Thank you" not in text_of(response.text)
    assert referrals(api.portal.get()) == []


def test_a_filled_honeypot_is_refused(referral_form):
    response = referral_form.send(leave_empty="http://spam.example")
    assert "Thank you" not in text_of(response.text)
    assert referrals(api.portal.get()) == []


def test_a_form_sent_too_fast_is_refused(referral_form):
    # A generous minimum: the page and the POST take time on a busy machine.
    api.portal.set_registry_record("cpms.form_min_fill_seconds", 60)
    transaction.commit()
    response = referral_form.send(wait=0)
    text = text_of(response.text)
    assert "very fast" in text
    assert referrals(api.portal.get()) == []


def test_a_forged_time_token_is_refused(referral_form):
    response = referral_form.send(
        started="1000000000000.0123456789abcdef0123456789abcdef"
    )
    assert "could not be checked" in text_of(response.text)
    assert referrals(api.portal.get()) == []


def test_a_post_without_the_csrf_token_stores_nothing(referral_form):
    action, fields = referral_form.open()
    fields.pop("_authenticator")
    for name, value in {
        "clinician_name": "Bot",
        "clinician_email": "bot@example.org",
        "provider": "X",
        "country:list": "BE",
        "summary": "x",
        "question": "y",
        "consent:list": "selected",
    }.items():
        fields[f"form.widgets.{name}"] = value
    fields["form.buttons.submit"] = "Send the referral"
    time.sleep(1.1)  # not refused for its pace: for the missing token
    response = referral_form.session.post(action, data=fields)
    assert response.status_code == 403
    assert "Thank you" not in text_of(response.text)
    assert referrals(api.portal.get()) == []
