"""The helpdesk form: mails the registry's helpdesk address, keeps every message."""

import time

import pytest
import requests
import transaction
from collective.easyform.api import get_actions
from plone import api

from tests.helpers.smtp import free_port
from tests.referrals.html_form import read_form
from tests.referrals.html_form import text_of

ANSWERS = {
    "name": "Dr. Hana Visitor",
    "replyto": "hana.visitor@hospital.example",
    "topic:list": "Logging in (EU Login)",
    "subject": "EU Login loops back to the start page",
    "message": "After logging in with EU Login I land on the start page again.",
}


def saved_rows(portal):
    transaction.begin()
    form = portal["helpdesk"]["contact-form"]
    return get_actions(form)["saved"].getSavedFormInput()


def send(portal, wait=1.1, **answers):
    s = requests.Session()
    page = s.get(portal.absolute_url() + "/helpdesk")
    assert page.status_code == 200
    action, fields = read_form(page.text, "form")
    for name, value in (ANSWERS | answers).items():
        fields[f"form.widgets.{name}"] = value
    fields["form.buttons.submit"] = "Send to the helpdesk"
    time.sleep(wait)
    return s.post(action, data=fields)


@pytest.fixture
def helpdesk(staff):
    api.portal.set_registry_record("cpms.helpdesk_email", "support@network.example")
    transaction.commit()
    return staff


def test_message_is_mailed_and_saved(helpdesk, smtp_server):
    smtp_server.connect(helpdesk)
    response = send(helpdesk)
    assert "the helpdesk has your message" in text_of(response.text)
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "support@network.example"
    assert mail["Reply-To"] == ANSWERS["replyto"]
    assert mail["Subject"] == ANSWERS["subject"]
    assert "I land on the start page again" in mail.get_content()
    (row,) = saved_rows(helpdesk)
    assert row["subject"] == ANSWERS["subject"]
    assert "started" not in row and "leave_empty" not in row


def test_mail_server_down_keeps_the_message(helpdesk):
    mailhost = api.portal.get_tool("MailHost")
    mailhost.smtp_host, mailhost.smtp_port = "127.0.0.1", free_port()
    transaction.commit()
    response = send(helpdesk)
    assert "the helpdesk has your message" in text_of(response.text)
    assert len(saved_rows(helpdesk)) == 1


def test_spam_is_refused(helpdesk):
    response = send(helpdesk, leave_empty="buy now")
    assert "the helpdesk has your message" not in text_of(response.text)
    assert saved_rows(helpdesk) == []


def test_the_helpdesk_reads_the_saved_messages(helpdesk):
    send(helpdesk)
    url = helpdesk.absolute_url() + "/helpdesk/contact-form/saveddata"
    for auth in (None, ("hpro1", "secret-password-1")):
        # Plone answers with its login / insufficient-privileges page.
        assert ANSWERS["subject"] not in requests.get(url, auth=auth, timeout=30).text
    response = requests.get(url, auth=("helpdesk1", "secret-password-1"), timeout=30)
    assert response.status_code == 200
    assert ANSWERS["subject"] in response.text
