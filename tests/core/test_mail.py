"""The portal's MailHost delivers to a real SMTP server (the shared fixture)."""

import transaction
from plone import api


def test_mail_reaches_the_smtp_server(functional_portal, smtp_server):
    smtp_server.connect(functional_portal)
    api.portal.send_email(
        recipient="clara@demo.invalid",
        subject="Hello from the portal",
        body="A test message.",
    )
    transaction.commit()
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "clara@demo.invalid"
    assert mail["Subject"] == "Hello from the portal"
    assert "A test message." in mail.get_content()
