"""Contact requests between the clinicians of similar cases (REST and the
web forms, plone.protect on): the request, the mail, accept reveals both
sides' case ids and contacts, decline reveals nothing, outsiders are
refused, forged and replayed tokens are refused, every step is audited on
both cases."""

import re

import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME

from cpms.cases import states
from cpms.core import audit
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_MEMBER
from cpms.insights import contact
from cpms.insights import similarity
from cpms.insights import tokens
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_network
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import rest  # noqa: F401
from tests.collaboration.conftest import set_state

# Seizure, global developmental delay, microcephaly, speech delay.
TERMS = ["HP:0001250", "HP:0001263", "HP:0000252", "HP:0000750"]


def _network(portal):
    """clara's case A, otto's case B (hidden from clara, same terms), clara's
    case D (same terms); pam is on A's panel, rita has a role on A that
    does not let her view it, cora coordinates, theo is a clinician of
    neither."""
    # The ranking's per-process cache is keyed by the catalog's counter, which
    # the test layers' rollback sets back: another test's network could match.
    similarity._networks.clear()
    for userid in ("clara", "otto", "theo", "rita", "pam"):
        make_user(userid, fullname=f"Dr {userid.title()}")
    make_user("cora", roles=("Member", COORDINATOR), fullname="Cora")
    make_network(portal, provider_id="graz")
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        provider = portal["network"]["graz"]
        group = f"hcp-{provider.getId()}"
        if api.group.get(groupname=group) is None:
            api.group.create(groupname=group, title=provider.Title())
        api.group.add_user(groupname=group, username="clara")
    cases = {}
    for name, owner in (("A", "clara"), ("B", "otto"), ("D", "clara")):
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            case = make_case(
                portal, nickname=f"Case {name}", owner=owner, hpo_terms=list(TERMS)
            )
            set_state(case, states.IN_DISCUSSION)
        cases[name] = case
    api.user.grant_roles(username="rita", obj=cases["A"], roles=["Reader"])
    api.user.grant_roles(username="pam", obj=cases["A"], roles=[PANEL_MEMBER])
    cases["A"].reindexObjectSecurity()
    transaction.commit()
    return cases


def _token(case, userid="clara"):
    with api.env.adopt_user(username=userid):
        found = similarity.similar_cases(case)
    return found["elsewhere"]["tokens"]


def test_request_accept_reveals_both_sides(functional_portal, smtp_server, rest):  # noqa: F811
    smtp_server.connect(functional_portal)
    cases = _network(functional_portal)
    a, b, d = cases["A"], cases["B"], cases["D"]
    # clara sees her own D among the similar cases, otto's B only as a token.
    with api.env.adopt_user(username="clara"):
        found = similarity.similar_cases(a)
    assert {i["case_id"] for i in found["items"]} == {d.case_id}
    assert found["elsewhere"]["count"] == 1
    (token,) = found["elsewhere"]["tokens"]
    assert b.case_id not in str(found) and b.UID() not in str(found)

    clara = rest("clara")
    sent = clara.post(
        f"{a.absolute_url()}/@contact-requests",
        json={"token": token, "message": "Same triad; we tried ketogenic diet."},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["state"] == "pending"
    assert body["case"]["case_id"] == a.case_id
    assert "other" not in body and b.case_id not in sent.text

    # otto is mailed about his own case, told the centre, not clara's case.
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"].startswith("otto@")
    assert b.case_id in mail["Subject"]
    text = mail.get_content()
    assert f"similar to your case {b.case_id}" in text
    assert "graz University Hospital" in text
    assert "ketogenic diet" in text
    assert a.case_id not in mail.as_string()
    assert "clara" not in mail.as_string().lower()
    assert f"/@@contact-requests#request-{body['id']}" in text

    # Before the answer neither side sees the other's case.
    mine = clara.get("@contact-requests").json()
    assert [r["state"] for r in mine["sent"]] == ["pending"]
    assert b.case_id not in clara.get("@contact-requests").text
    otto = rest("otto")
    theirs = otto.get("@contact-requests").json()
    (received,) = theirs["received"]
    assert received["case"]["case_id"] == b.case_id
    assert received["from"] == {"centre": "graz University Hospital"}
    assert a.case_id not in otto.get("@contact-requests").text

    # Only otto may answer: clara, a stranger and a reader of A get 403.
    decide = f"@contact-requests/{body['id']}/accept"
    for outsider in ("clara", "theo", "rita"):
        refused = rest(outsider).post(decide)
        assert refused.status_code == 403, (outsider, refused.text)
        assert refused.json()["type"] == "Forbidden"
    smtp_server.clear()
    accepted = otto.post(decide)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["other"]["case_id"] == a.case_id

    mine = clara.get("@contact-requests").json()["sent"][0]
    assert mine["state"] == "accepted"
    assert mine["other"]["case_id"] == b.case_id
    assert mine["other"]["contacts"] == [
        {"name": "Dr Otto", "email": "otto@example.invalid", "centre": ""}
    ]
    theirs = otto.get("@contact-requests").json()["received"][0]
    assert theirs["other"]["case_id"] == a.case_id
    assert theirs["other"]["contacts"] == [
        {
            "name": "Dr Clara",
            "email": "clara@example.invalid",
            "centre": "graz University Hospital",
        }
    ]
    # clara is told by mail, in her language.
    (told,) = smtp_server.wait_for(1)
    assert told["To"].startswith("clara@")
    assert "accepted" in told["Subject"]

    # Each step on both cases' trails; before acceptance A's never names B.
    transaction.begin()
    trail_a = audit.entries(a)
    trail_b = audit.entries(b)
    assert [e["action"] for e in trail_a if "contact" in e["action"]] == [
        "contact requested",
        "contact accepted",
    ]
    assert [e["action"] for e in trail_b if "contact" in e["action"]] == [
        "contact requested",
        "contact accepted",
    ]
    assert b.case_id not in trail_a[-2]["message"]
    assert a.case_id not in trail_b[-2]["message"]
    # Who asked is on the asking case's record; the asked case's people
    # learn it only by accepting.
    assert trail_a[-2]["actor"] == "clara"
    assert trail_b[-2]["actor"] == contact.ANONYMISED
    assert trail_b[-1]["actor"] == "otto"
    assert "Dr Clara" in trail_b[-1]["message"]


def test_decline_reveals_nothing(functional_portal, smtp_server, rest):  # noqa: F811
    smtp_server.connect(functional_portal)
    cases = _network(functional_portal)
    a, b = cases["A"], cases["B"]
    # otto reads German: his mail comes in German.
    api.user.get(userid="otto").setMemberProperties({"language": "de"})
    transaction.commit()
    (token,) = _token(a)
    sent = rest("clara").post(
        f"{a.absolute_url()}/@contact-requests", json={"token": token}
    )
    assert sent.status_code == 201, sent.text
    (mail,) = smtp_server.wait_for(1)
    assert f"Kontaktanfrage zu Ihrem Fall {b.case_id}" in mail["Subject"]
    assert "Annehmen oder ablehnen:" in mail.get_content()
    smtp_server.clear()
    declined = rest("otto").post(f"@contact-requests/{sent.json()['id']}/decline")
    assert declined.status_code == 200, declined.text
    answer = rest("clara").get("@contact-requests")
    (mine,) = answer.json()["sent"]
    assert mine["state"] == "declined"
    assert "other" not in mine
    assert b.case_id not in answer.text and "otto" not in answer.text.lower()
    (told,) = smtp_server.wait_for(1)
    assert "declined" in told["Subject"]
    assert b.case_id not in told.as_string()
    # Answered once: accepting now is a conflict.
    again = rest("otto").post(f"@contact-requests/{sent.json()['id']}/accept")
    assert again.status_code == 409, again.text
    transaction.begin()
    (on_a,) = [e for e in audit.entries(a) if e["action"] == "contact declined"]
    (on_b,) = [e for e in audit.entries(b) if e["action"] == "contact declined"]
    # A refusal does not tell the asker who declined.
    assert on_a["actor"] == contact.ANONYMISED and "otto" not in on_a["message"]
    assert on_b["actor"] == "otto"


def test_bad_requests_name_the_field(functional_portal, rest):  # noqa: F811
    cases = _network(functional_portal)
    a, b, d = cases["A"], cases["B"], cases["D"]
    clara = rest("clara")
    url = f"{a.absolute_url()}/@contact-requests"

    forged = clara.post(url, json={"token": "AAAAAAAAAAAAAAAAAAAAAAAA"})
    assert forged.status_code == 400
    assert forged.json()["type"] == "BadRequest"
    assert forged.json()["message"].startswith("token: not a similar case")
    assert "@similar-cases" in forged.json()["message"]
    missing = clara.post(url, json={})
    assert missing.status_code == 400
    assert missing.json()["message"].startswith("token: missing")

    # A token is for one pair: A's token for B does not work from D.
    (token,) = _token(a)
    assert token == tokens.token_for(a.UID(), b.UID())
    replayed = clara.post(
        f"{d.absolute_url()}/@contact-requests", json={"token": token}
    )
    assert replayed.status_code == 400, replayed.text
    assert replayed.json()["message"].startswith("token:")

    long = clara.post(url, json={"token": token, "message": "x" * 1001})
    assert long.status_code == 400
    assert long.json()["message"] == (
        "message: 1001 characters; shorten it to at most 1000."
    )
    named = clara.post(
        url, json={"token": token, "message": "Write to anna.muster@example.org"}
    )
    assert named.status_code == 400
    assert named.json()["message"].startswith("message: this looks like")

    # Who cannot view A is refused as if not logged in; a coordinator, who
    # may view it but holds no role on it, may not ask; a panel member may.
    assert rest("rita").post(url, json={"token": token}).status_code == 401
    refused = rest("cora").post(url, json={"token": token})
    assert refused.status_code == 403, refused.text
    assert refused.json()["message"].startswith("case: Only the enrolling")
    first = rest("pam").post(url, json={"token": token})
    assert first.status_code == 201, first.text
    # The same pair again while pending: 409, pointing at the waiting one.
    twice = clara.post(url, json={"token": token})
    assert twice.status_code == 409, twice.text
    assert twice.json()["message"].startswith("token: a contact request")
    transaction.begin()
    assert len(contact.all_requests()) == 1

    unknown = rest("otto").post("@contact-requests/nope/accept")
    assert unknown.status_code == 404
    assert unknown.json()["message"].startswith("id: no contact request nope")
    anonymous = requests.get(
        f"{functional_portal.absolute_url()}/@contact-requests",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert anonymous.status_code == 401


def _authenticator(html: str) -> str:
    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_web_forms_ask_and_answer(functional_portal, smtp_server):
    """The case page's form and the Contact requests page, with plone.protect."""
    smtp_server.connect(functional_portal)
    cases = _network(functional_portal)
    a, b = cases["A"], cases["B"]
    clara = requests.Session()
    clara.auth = ("clara", PASSWORD)
    page = clara.get(a.absolute_url())
    assert page.status_code == 200
    assert "1 similar case elsewhere you cannot see" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    ask = f"{a.absolute_url()}/@@ask-for-contact"
    # Without the form token plone.protect refuses it.
    forged = clara.post(ask, data={"token": token, "message": "Hello"})
    assert forged.status_code == 403
    assert contact.all_requests() == []
    done = clara.post(
        ask,
        data={
            "token": token,
            "message": "Hello",
            "_authenticator": _authenticator(page.text),
        },
    )
    assert done.status_code == 200, done.text
    assert "Your request for contact was sent" in done.text
    transaction.begin()
    (stored,) = contact.all_requests()
    smtp_server.wait_for(1)

    otto = requests.Session()
    otto.auth = ("otto", PASSWORD)
    listing = otto.get(f"{functional_portal.absolute_url()}/@@contact-requests")
    assert listing.status_code == 200
    assert b.case_id in listing.text and a.case_id not in listing.text
    assert "Accept" in listing.text and "Decline" in listing.text
    answered = otto.post(
        f"{functional_portal.absolute_url()}/@@contact-requests",
        data={
            "request_id": stored["id"],
            "decision": "decline",
            "_authenticator": _authenticator(listing.text),
        },
    )
    assert answered.status_code == 200
    assert "Request declined" in answered.text
    transaction.begin()
    assert contact.get(stored["id"])["state"] == "declined"
    mine = clara.get(f"{functional_portal.absolute_url()}/@@contact-requests")
    assert "Declined" in mine.text and b.case_id not in mine.text


def test_erasing_a_case_erases_the_messages_about_it(
    functional_portal,
    smtp_server,
    rest,  # noqa: F811
):
    from cpms.privacy import erasure

    smtp_server.connect(functional_portal)
    cases = _network(functional_portal)
    a, b = cases["A"], cases["B"]
    (token,) = _token(a)
    written = "Our girl had the same seizures from three months on."
    sent = rest("clara").post(
        f"{a.absolute_url()}/@contact-requests",
        json={"token": token, "message": written},
    )
    assert sent.status_code == 201, sent.text
    (received,) = rest("otto").get("@contact-requests").json()["received"]
    assert received["message"] == written
    transaction.begin()
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        erasure.erase_case(a, "patient's request")
    transaction.commit()
    (mine,) = rest("clara").get("@contact-requests").json()["sent"]
    (received,) = rest("otto").get("@contact-requests").json()["received"]
    assert mine["message"] == received["message"] == erasure.TOMBSTONE
    # The request itself stays, still waiting for otto's answer.
    assert received["state"] == "pending" and received["case"]["case_id"] == b.case_id
