"""Mails nobody sent before: a submitted case to the coordinators (an urgent
one marked and sent at once, even to digest readers), and every case mail
to the case's guest clinician. Read from a real SMTP server."""

from datetime import date
from datetime import timedelta

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME

from cpms.cases import states
from cpms.core.roles import COORDINATOR
from cpms.core.roles import MEMBER
from cpms.core.roles import PANEL_LEAD
from cpms.identity import guests
from cpms.notifications import digest
from cpms.notifications import preferences
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


def _ready_case(portal, urgent):
    """A draft of clara's with its care consent; two coordinators, one of
    whom reads the daily digest."""
    make_user("clara", fullname="Dr Clara")
    make_user("cora", roles=(MEMBER, COORDINATOR), fullname="Cora Coordinator")
    make_user("colm", roles=(MEMBER, COORDINATOR), fullname="Colm Coordinator")
    preferences.set_mode("colm", preferences.DIGEST)
    case = make_case(portal, nickname="Blue Heron", owner="clara", urgent=urgent)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        api.content.create(
            container=case,
            type="ConsentRecord",
            title="Care consent",
            kind="care",
            consent_language="en",
            consent_version="1.0",
            consent_date=date(2026, 1, 12),
            recorded_by="clara",
        )
    return case


@pytest.mark.parametrize("urgent", [False, True])
def test_a_submitted_case_is_mailed_to_the_coordinators(
    functional_portal, smtp_server, rest, urgent
):
    smtp_server.connect(functional_portal)
    case = _ready_case(functional_portal, urgent)
    transaction.commit()

    response = rest("clara").post(f"{case.absolute_url()}/@workflow/submit")
    assert response.status_code == 200, response.text

    label = f"{case.case_id} (Blue Heron)"
    if urgent:
        # Marked, and at once to both: the digest reader does not wait.
        mails = smtp_server.wait_for(2)
        assert sorted(m["To"] for m in mails) == [
            "colm@example.invalid",
            "cora@example.invalid",
        ]
        for mail in mails:
            assert f"URGENT: case {label} submitted" in mail["Subject"]
            assert "marked URGENT" in mail.get_content()
            assert "Synthetic" not in mail.as_string()
        transaction.begin()
        assert digest.pending("colm") == []
    else:
        (mail,) = smtp_server.wait_for(1)
        assert mail["To"] == "cora@example.invalid"
        assert mail["Subject"].endswith(f"Case {label} submitted")
        assert "URGENT" not in mail["Subject"]
        assert "Dr Clara submitted case" in mail.get_content()
        transaction.begin()
        (queued,) = digest.pending("colm")
        assert "submitted" in str(queued)


def test_the_guest_of_a_case_gets_its_mails(functional_portal, smtp_server, rest):
    smtp_server.connect(functional_portal)
    make_user("lena", fullname="Dr Lena")
    make_user("gus", roles=(MEMBER,), fullname="Gus Guest")
    case = make_case(functional_portal, nickname="Blue Heron")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    set_state(case, states.IN_DISCUSSION)
    # Within the 180-day bound of a guest grant (cpms.identity.guests).
    until = date.today() + timedelta(days=90)
    guests.grant_guest_access(case, "gus", until, announced=True)
    transaction.commit()

    # The guest is one of the case's people (live grant, no local role)...
    response = rest("lena").post(
        case.absolute_url(), json={"@type": "Contribution", "text": "Synthetic."}
    )
    assert response.status_code == 201, response.text
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "gus@example.invalid"
    assert "New contribution on case" in mail["Subject"]

    # ...and the case's people list shows them, with the end of their access.
    panel = rest("lena").get(f"{case.absolute_url()}/@panel").json()["items"]
    (guest,) = [p for p in panel if p["userid"] == "gus"]
    assert guest["roles"] == ["Guest Clinician"]
    assert guest["labels"] == ["Guest clinician"]
    assert guest["until"].startswith(until.isoformat())
