"""What happens on a case reaches its people by mail (real SMTP server),
immediately or in the daily digest, without clinical detail."""

import transaction
from plone import api

from cpms.cases import states
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.notifications import digest
from cpms.notifications import preferences
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


def _panel(portal):
    for userid in ("clara", "lena", "emil", "eva"):
        make_user(userid, fullname=f"Dr {userid.title()}")
    make_user("coord", roles=("Member", COORDINATOR), fullname="Coord")
    case = make_case(portal, nickname="Blue Heron", owner="clara")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    for userid in ("emil", "eva"):
        api.user.grant_roles(username=userid, obj=case, roles=[PANEL_MEMBER])
    case.reindexObjectSecurity()
    return case


def _recipients(mails):
    return sorted(m["To"].split("@")[0] for m in mails)


def test_discussion_to_closure_mails_the_panel(functional_portal, smtp_server, rest):
    smtp_server.connect(functional_portal)
    case = _panel(functional_portal)
    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    url = case.absolute_url()

    # A new contribution: everyone on the case but its author.
    for expert in ("emil", "eva"):
        smtp_server.clear()
        response = rest(expert).post(
            url, json={"@type": "Contribution", "text": "Synthetic opinion."}
        )
        assert response.status_code == 201, response.text
        mails = smtp_server.wait_for(3)
        others = sorted({"clara", "lena", "emil", "eva"} - {expert})
        assert _recipients(mails) == others
        assert all("New contribution on case" in m["Subject"] for m in mails)
        assert f"Dr {expert.title()} added a contribution" in mails[0].get_content()
        assert "Synthetic" not in mails[0].as_string()

    # The lead writes and signs the report.
    lead = rest("lena")
    report = lead.post(
        url,
        json={
            "@type": "OutcomeReport",
            "findings": "Synthetic findings.",
            "recommendations": "Synthetic recommendations.",
        },
    )
    assert report.status_code == 201, report.text
    smtp_server.clear()
    signed = lead.post(f"{report.json()['@id']}/@workflow/sign")
    assert signed.status_code == 200, signed.text
    mails = smtp_server.wait_for(3)
    assert _recipients(mails) == ["clara", "emil", "eva"]
    assert all("Outcome report signed for case" in m["Subject"] for m in mails)
    assert "signed by Dr Lena" in mails[0].get_content()

    # Closing the case tells everyone.
    smtp_server.clear()
    closed = rest("coord").post(f"{url}/@workflow/close")
    assert closed.status_code == 200, closed.text
    mails = smtp_server.wait_for(4)
    assert _recipients(mails) == ["clara", "emil", "eva", "lena"]
    assert all(
        m["Subject"].endswith(f"Case {case.case_id} (Blue Heron) closed") for m in mails
    )


def test_request_for_information_goes_to_the_referring_clinician(
    functional_portal, smtp_server, rest
):
    smtp_server.connect(functional_portal)
    case = _panel(functional_portal)
    set_state(case, states.SUBMITTED)
    transaction.commit()
    response = rest("coord").post(
        f"{case.absolute_url()}/@workflow/request_info",
        json={"comment": "Synthetic: please add the latest imaging."},
    )
    assert response.status_code == 200, response.text
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "clara@example.invalid"
    assert "More information requested for case" in mail["Subject"]
    # The request's text may be clinical: it stays in the portal.
    assert "imaging" not in mail.as_string()
    assert case.absolute_url() in mail.get_content()


def test_digest_members_get_one_daily_mail(functional_portal, smtp_server, rest):
    smtp_server.connect(functional_portal)
    case = _panel(functional_portal)
    set_state(case, states.IN_DISCUSSION)
    preferences.set_mode("clara", preferences.DIGEST)
    transaction.commit()
    assert rest("clara").get("@notification-settings").json()["mode"] == "digest"

    for expert in ("emil", "eva"):
        rest(expert).post(
            case.absolute_url(), json={"@type": "Contribution", "text": "Synthetic."}
        )
    # Immediate members got theirs; clara's wait in the digest.
    mails = smtp_server.wait_for(4)
    assert "clara" not in _recipients(mails)
    transaction.begin()
    assert len(digest.pending("clara")) == 2

    smtp_server.clear()
    assert digest.send_digests() == 1
    transaction.commit()
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "clara@example.invalid"
    assert "Daily digest: 2 update(s)" in mail["Subject"]
    text = mail.get_content()
    assert text.count("added a contribution to case") == 2
    assert case.absolute_url() in text
    assert "Synthetic" not in text
    transaction.begin()
    assert digest.pending("clara") == []
    assert digest.send_digests() == 0


def test_members_choose_their_mode_over_rest(functional_portal, rest):
    make_user("emil")
    transaction.commit()
    session = rest("emil")
    assert session.get("@notification-settings").json()["mode"] == "immediate"
    assert (
        session.patch("@notification-settings", json={"mode": "digest"}).status_code
        == 204
    )
    assert session.get("@notification-settings").json()["mode"] == "digest"
    bad = session.patch("@notification-settings", json={"mode": "weekly"})
    assert bad.status_code == 400
    assert (
        bad.json()["message"] == "mode: must be one of immediate, digest, not 'weekly'"
    )
    assert (
        rest("emil", password="wrong").get("@notification-settings").status_code == 401
    )


def test_a_mail_server_outage_does_not_undo_the_action(functional_portal, rest):
    from tests.helpers.smtp import free_port

    mailhost = api.portal.get_tool("MailHost")
    mailhost.smtp_host, mailhost.smtp_port = "127.0.0.1", free_port()  # nobody there
    case = _panel(functional_portal)
    set_state(case, states.IN_DISCUSSION)
    transaction.commit()
    response = rest("emil").post(
        case.absolute_url(), json={"@type": "Contribution", "text": "Synthetic."}
    )
    assert response.status_code == 201, response.text
    transaction.begin()
    assert [o.portal_type for o in case.objectValues()] == ["Contribution"]
