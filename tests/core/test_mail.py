"""Every kind of mail the portal sends, read from a real SMTP server process.

What the server receives must be a valid message for any relay: CRLF line
ends only (strict servers refuse a bare LF), one subject prefix from the
registry, From/To/Date/Message-ID, a body that decodes.  Mail leaves only
after the transaction commits (cpms.core.mail).
"""

import email
import email.policy
import logging
import os
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
import transaction
from icalendar import Calendar
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from zope.i18nmessageid import Message

from cpms.core import mail
from cpms.core.i18n import translate_to
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_LEAD
from cpms.core.users import email_of
from cpms.core.users import fullname
from cpms.identity import guests
from cpms.identity.access_requests import create_access_request
from cpms.notifications import digest
from cpms.notifications import mail as notices
from cpms.notifications import preferences
from cpms.referrals.actions import announce
from cpms.referrals.actions import create_referral
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.core.wire import WireSMTPServer
from tests.helpers.network import make_test_network
from tests.helpers.smtp import free_port
from tests.referrals.test_helpdesk_form import ANSWERS as HELPDESK_ANSWERS
from tests.referrals.test_helpdesk_form import send as send_helpdesk_form
from tests.referrals.test_workflow import FIELDS as REFERRAL_FIELDS

ROOT = Path(__file__).parents[2]
PREFIX = "[ERN-Test]"
SENDER = "CPMS portal <portal@cpms.example.org>"


@pytest.fixture
def wire(functional_portal, tmp_path, monkeypatch):
    """The SMTP server, keeping raw bytes; MailHost and the prefix set."""
    # The server process imports tests.core.wire.
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    server = WireSMTPServer(tmp_path / "maildir").start()
    server.connect(functional_portal)
    api.portal.set_registry_record("cpms.mail_subject_prefix", PREFIX)
    transaction.commit()
    yield server
    server.stop()


def on_the_wire(raw: bytes, prefix: str | None = PREFIX):
    """Check one message as the server received it; return it parsed."""
    assert raw.count(b"\n") == raw.count(b"\r\n"), "a bare LF on the wire"
    assert raw.count(b"\r") == raw.count(b"\r\n"), "a bare CR on the wire"
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert not msg.defects, msg.defects
    assert msg["From"].addresses[0].addr_spec == "portal@cpms.example.org"
    assert msg["To"]
    assert msg["Date"].datetime is not None
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", msg["Message-ID"].strip())
    if prefix is not None:
        assert msg["Subject"].startswith(f"{prefix} "), msg["Subject"]
        assert msg["Subject"].count(prefix) == 1, msg["Subject"]
    body = msg.get_body(preferencelist=("plain", "html"))
    assert body.get_content().strip()
    for attachment in msg.iter_attachments():
        assert attachment.get_content()
    return msg


def received(wire, count: int, prefix: str | None = PREFIX) -> list:
    """The ``count`` messages received, checked; fails if more came."""
    raws = wire.wait_for_raw(count)
    assert len(raws) == count, f"{len(raws)} mails, expected {count}"
    return [on_the_wire(raw, prefix) for raw in raws]


def by_to(messages) -> dict:
    return {m["To"]: m for m in messages}


def _panel(portal):
    make_user("clara", fullname="Dr Clara Referrer")
    make_user("lena", fullname="Dr Žofia Lead-Müller")
    case = make_case(portal, nickname="Blue Heron", owner="clara")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    case.reindexObjectSecurity()
    return case


# -- The registry record and the helpers ----------------------------------


def test_the_prefix_is_a_registry_record(portal):
    assert api.portal.get_registry_record("cpms.mail_subject_prefix") == "[CPMS]"
    assert mail.prefixed("Case closed") == "[CPMS] Case closed"
    # Exactly once, also for a subject that already carries it.
    assert mail.prefixed("[CPMS] Re: Case closed") == "[CPMS] Re: Case closed"
    api.portal.set_registry_record("cpms.mail_subject_prefix", "")
    assert mail.prefixed("Case closed") == "Case closed"


def test_one_fullname_and_address_helper(portal):
    make_user("nora", fullname="Dr Nora Nordin")
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        api.user.create(
            username="anon", email="anon@example.invalid", password="x" * 12
        )
    assert fullname("nora") == "Dr Nora Nordin"
    # No full name, or a user who is gone: the id still says who it was.
    assert fullname("anon") == "anon"
    assert fullname("gone-user") == "gone-user"
    assert fullname(None) == ""
    assert email_of("nora") == "nora@example.invalid"
    assert email_of("gone-user") is None


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


def test_only_core_mail_talks_to_the_mailhost():
    """One mail path: no other module sends through MailHost or send_email."""
    offenders = []
    for path in (ROOT / "src" / "cpms").rglob("*.py"):
        if path.name == "mail.py" and path.parent.name == "core":
            continue
        text = path.read_text()
        if re.search(
            r"""get_tool\(\s*(name=)?["']MailHost|send_email\(|smtplib""", text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# -- After commit, never before --------------------------------------------


def test_an_aborted_transaction_sends_nothing(wire):
    mail.send("clara@example.invalid", "Never sent", "The write was undone.")
    transaction.abort()
    mail.send("clara@example.invalid", "Sent", "The write was stored.")
    transaction.commit()
    (sent,) = received(wire, 1)
    assert sent["Subject"] == f"{PREFIX} Sent"


def test_nothing_is_mailed_while_suppressed(wire):
    # The demo profile builds its invented people's cases inside this block.
    with mail.suppressed():
        mail.send("clara@example.invalid", "Demo only", "Nobody reads this.")
    mail.send("clara@example.invalid", "Real", "This one goes out.")
    transaction.commit()
    (sent,) = received(wire, 1)
    assert sent["Subject"] == f"{PREFIX} Real"


class _RefusingVote:
    """A resource manager whose vote fails: the commit fails."""

    transaction_manager = transaction.manager

    def abort(self, txn):
        pass

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        pass

    def tpc_vote(self, txn):
        raise RuntimeError("the database refused the commit")

    def tpc_finish(self, txn):
        pass

    def tpc_abort(self, txn):
        pass

    def sortKey(self):
        return "~refusing-vote"


def test_a_failed_commit_sends_nothing(wire):
    mail.send("clara@example.invalid", "Never sent", "The commit failed.")
    transaction.get().join(_RefusingVote())
    with pytest.raises(RuntimeError):
        transaction.commit()
    transaction.abort()
    mail.send("clara@example.invalid", "Sent", "The write was stored.")
    transaction.commit()
    (sent,) = received(wire, 1)
    assert sent["Subject"] == f"{PREFIX} Sent"


def test_a_mail_server_outage_is_logged_and_the_commit_stands(
    functional_portal, caplog
):
    mailhost = api.portal.get_tool("MailHost")
    mailhost.smtp_host, mailhost.smtp_port = "127.0.0.1", free_port()  # nobody there
    transaction.commit()
    functional_portal.setDescription("Stored before the mail")
    mail.send("clara@example.invalid", "Lost", "The server is down.")
    with caplog.at_level(logging.WARNING, logger="cpms"):
        transaction.commit()
    assert "Mail not sent to clara@example.invalid ('[CPMS] Lost')" in caplog.text
    transaction.begin()
    assert functional_portal.Description() == "Stored before the mail"


# -- Every kind the portal sends ------------------------------------------


def test_case_notifications_of_every_kind(functional_portal, wire):
    case = _panel(functional_portal)
    transaction.commit()
    for kind in notices.KINDS:
        notice = notices.compose(
            kind,
            case,
            actor=fullname("lena"),
            lead=fullname("lena"),
            when="Thursday 03 December 2026",
            until="31 January 2027",
        )
        assert notices.notify(["clara"], notice) == ["clara"]
    transaction.commit()
    mails = received(wire, len(notices.KINDS))
    label = f"{case.case_id} (Blue Heron)"
    # The subjects are catalogue messages with ${label}; English here.
    expected = {
        f"{PREFIX} {translate_to(Message(subject, mapping={'label': label}), 'en')}"
        for subject, _line in notices.KINDS.values()
    }
    assert {m["Subject"] for m in mails} == expected
    assert {m["To"] for m in mails} == {"clara@example.invalid"}
    assert {m["From"] for m in mails} == {SENDER}
    contribution = next(m for m in mails if "New contribution" in m["Subject"])
    text = contribution.get_content()
    assert "Dr Žofia Lead-Müller added a contribution" in text
    assert case.absolute_url() in text
    assert "Synthetic" not in text


def test_meeting_invitation_with_its_calendar_file(functional_portal, wire):
    case = _panel(functional_portal)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        api.content.create(
            container=case,
            type="Meeting",
            title="First panel meeting",
            start=datetime(2026, 12, 3, 14, 0),
            end=datetime(2026, 12, 3, 15, 30),
            timezone="Europe/Paris",
            attendees=["clara", "lena"],
        )
    transaction.commit()
    mails = received(wire, 2)
    assert sorted(m["To"] for m in mails) == [
        "clara@example.invalid",
        "lena@example.invalid",
    ]
    for sent in mails:
        assert sent["Subject"].startswith(f"{PREFIX} Meeting scheduled for case")
        (attachment,) = sent.iter_attachments()
        assert attachment.get_filename() == "meeting.ics"
        (event,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
        assert event.decoded("dtstart").isoformat() == "2026-12-03T14:00:00+01:00"


def test_daily_digest(functional_portal, wire):
    case = _panel(functional_portal)
    preferences.set_mode("clara", preferences.DIGEST)
    for kind in ("contribution", "report_signed"):
        notices.notify(["clara"], notices.compose(kind, case, actor="Dr Lena"))
    transaction.commit()
    assert wire.raw() == []  # queued for the digest, not sent
    assert digest.send_digests() == 1
    transaction.commit()
    (sent,) = received(wire, 1)
    assert sent["To"] == "clara@example.invalid"
    assert sent["Subject"] == f"{PREFIX} Daily digest: 2 update(s)"
    assert case.absolute_url() in sent.get_content()


def _transition(obj, transition, comment=""):
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=obj, transition=transition, comment=comment)


def test_referral_mails(functional_portal, wire):
    make_user("coord1", roles=("Member", COORDINATOR))
    api.portal.set_registry_record("cpms.helpdesk_email", "support@network.example")
    with api.env.adopt_roles(["Manager"]):
        accepted = create_referral(REFERRAL_FIELDS)
        declined = create_referral(REFERRAL_FIELDS)
        announce(accepted)
    transaction.commit()
    referrer = REFERRAL_FIELDS["clinician_email"]
    mails = by_to(received(wire, 2))
    assert mails["coord1@example.invalid"]["Subject"] == (
        f"{PREFIX} New referral {accepted.getId()}"
    )
    assert mails[referrer]["Subject"] == (
        f"{PREFIX} We received your referral ({accepted.getId()})"
    )
    # The clinical summary stays in the portal.
    assert all(REFERRAL_FIELDS["summary"] not in m.as_string() for m in mails.values())

    wire.clear()
    _transition(accepted, "start_review")
    _transition(accepted, "request_info", "Please send the growth chart.")
    transaction.commit()
    (asked,) = received(wire, 1)
    assert asked["Subject"] == (
        f"{PREFIX} Your referral {accepted.getId()}: more information needed"
    )
    assert asked["Reply-To"] == "support@network.example"
    assert "Please send the growth chart." in asked.get_content()

    wire.clear()
    _transition(accepted, "provide_info")
    _transition(accepted, "accept")
    _transition(declined, "decline", "Outside the network's expertise.")
    transaction.commit()
    mails = received(wire, 2)
    subjects = sorted(m["Subject"] for m in mails)
    assert subjects == [
        f"{PREFIX} Your referral {accepted.getId()} was accepted",
        f"{PREFIX} Your referral {declined.getId()}: the network cannot take the case",
    ]
    invitation = next(m for m in mails if "accepted" in m["Subject"])
    # The outside clinician has no account yet: the mail says how to get in.
    assert f"log in with this email address ({referrer})" in invitation.get_content()


def test_helpdesk_message(functional_portal, wire):
    api.portal.set_registry_record("cpms.form_min_fill_seconds", 1)
    api.portal.set_registry_record("cpms.helpdesk_email", "support@network.example")
    transaction.commit()
    send_helpdesk_form(functional_portal)
    # The visitor's message relayed: it keeps the visitor's own subject.
    (sent,) = received(wire, 1, prefix=None)
    assert sent["Subject"] == HELPDESK_ANSWERS["subject"]
    assert sent["To"] == "support@network.example"
    assert sent["Reply-To"] == HELPDESK_ANSWERS["replyto"]
    assert "I land on the start page again" in sent.get_content()


def test_guest_expiry_warning(functional_portal, wire):
    case = make_case(functional_portal, nickname="Blue Heron")
    make_user("gus", fullname="Gus Guest")
    until = datetime.now(UTC) + timedelta(days=1)
    guests.grant_guest_access(case, "gus", until)
    transaction.commit()
    wire.clear()  # the mail that announced the grant
    assert (case.getId(), "gus") in guests.purge_expired()["warned"]
    transaction.commit()
    (sent,) = received(wire, 1)
    assert sent["To"] == "gus@example.invalid"
    assert sent["Subject"] == (
        f"{PREFIX} Your guest access to case {case.Title()} ends soon"
    )
    assert f"{until:%Y-%m-%d %H:%M} UTC" in sent.get_content()


def test_access_request_decisions(functional_portal, wire):
    _area, provider = make_test_network(functional_portal)
    requests = {}
    for userid in ("hanna", "otto"):
        make_user(userid, roles=("Member",))
        requests[userid] = create_access_request(
            {
                "healthcare_provider": provider.UID(),
                "profile": "healthcare-professional",
                "justification": "Clinical geneticist at this hospital.",
            },
            userid=userid,
        )
    transaction.commit()
    _transition(requests["hanna"], "approve", "Welcome to the network.")
    _transition(requests["otto"], "reject", "Not a member centre.")
    transaction.commit()
    mails = by_to(received(wire, 2))
    approved = mails["hanna@example.invalid"]
    assert approved["Subject"] == f"{PREFIX} Your access request was approved"
    assert "Welcome to the network." in approved.get_content()
    rejected = mails["otto@example.invalid"]
    assert rejected["Subject"] == f"{PREFIX} Your access request was not approved"
    assert "Not a member centre." in rejected.get_content()
