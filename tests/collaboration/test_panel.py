"""Assembling a panel over REST: by expertise area, one by one, and removing."""

from datetime import date
from datetime import timedelta

import transaction
from plone import api

from cpms.cases import states
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_network
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


def _network_with_experts(portal):
    """Area 'Skeletal dysplasias' covered by two providers with two HPs each;
    a third provider covers another area; one group member is no HP."""
    area, graz = make_network(portal, provider_id="graz")
    other_area, lyon = make_network(portal, area_title="Kidney", provider_id="lyon")
    with api.env.adopt_user(username="admin"):
        second = api.content.create(
            container=portal["network"],
            type="HealthcareProvider",
            id="porto",
            title="Porto",
            country="PT",
            city="Porto",
            expertise_areas=[area.UID(), other_area.UID()],
        )
        for provider, users in (
            (graz, ("anna", "bert")),
            (second, ("carla",)),
            (lyon, ("dirk",)),
        ):
            api.group.create(groupname=f"hcp-{provider.getId()}")
            for userid in users:
                make_user(userid, fullname=f"Dr {userid.title()}")
                api.group.add_user(groupname=f"hcp-{provider.getId()}", username=userid)
        make_user("nina", roles=("Member",), fullname="Nina Not-HP")
        api.group.add_user(groupname="hcp-graz", username="nina")
    return area


def test_group_invitation_assembles_the_panel_and_mails_each_member(
    functional_portal, smtp_server, rest
):
    smtp_server.connect(functional_portal)
    area = _network_with_experts(functional_portal)
    make_user("coord", roles=("Member", COORDINATOR), fullname="Coord")
    case = make_case(functional_portal, nickname="Blue Heron")
    set_state(case, states.SUBMITTED)
    transaction.commit()

    coordinator = rest("coord")
    response = coordinator.post(
        f"{case.absolute_url()}/@invite", json={"expertise_area": area.UID()}
    )
    assert response.status_code == 200, response.text
    # Members of both providers covering the area; not the non-HP member,
    # not the expert of a provider of another area.
    assert response.json()["invited"] == ["anna", "bert", "carla"]

    mails = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in mails) == [
        "anna@example.invalid",
        "bert@example.invalid",
        "carla@example.invalid",
    ]
    for mail in mails:
        assert "Invitation to the panel of case" in mail["Subject"]
        assert f"{case.case_id} (Blue Heron)" in mail["Subject"]
        text = mail.get_content()
        assert case.absolute_url() in text
        assert "Synthetic" not in text  # no clinical detail in a mail

    # The invitees hold Panel Member and now find and open the case.
    panel = coordinator.get(f"{case.absolute_url()}/@panel").json()["items"]
    assert {p["userid"]: p["roles"] for p in panel} == {
        "anna": ["Panel Member"],
        "bert": ["Panel Member"],
        "carla": ["Panel Member"],
    }
    anna = rest("anna")
    assert anna.get(case.absolute_url()).status_code == 200
    found = anna.get("@search", params={"portal_type": "Case"}).json()
    assert [i["@id"] for i in found["items"]] == [case.absolute_url()]

    # Inviting the same group again invites nobody new and mails nobody.
    smtp_server.clear()
    again = coordinator.post(
        f"{case.absolute_url()}/@invite", json={"expertise_area": area.getId()}
    )
    assert again.json()["invited"] == []


def test_invite_one_by_one_and_remove(functional_portal, smtp_server, rest):
    smtp_server.connect(functional_portal)
    _network_with_experts(functional_portal)
    make_user("lena", fullname="Lena Lead")
    case = make_case(functional_portal)
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    set_state(case, states.IN_DISCUSSION)
    transaction.commit()

    lead = rest("lena")
    # Any healthcare professional of the network, from any centre.
    response = lead.post(f"{case.absolute_url()}/@invite", json={"userids": ["dirk"]})
    assert response.status_code == 200, response.text
    assert response.json()["invited"] == ["dirk"]
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "dirk@example.invalid"
    assert rest("dirk").get(case.absolute_url()).status_code == 200

    # A panel member may not invite others.
    refused = rest("dirk").post(
        f"{case.absolute_url()}/@invite", json={"userids": ["anna"]}
    )
    assert refused.status_code in (401, 403)

    smtp_server.clear()
    removed = lead.delete(f"{case.absolute_url()}/@panel/dirk")
    assert removed.status_code == 204, removed.text
    (mail,) = smtp_server.wait_for(1)
    assert "Removed from the panel" in mail["Subject"]
    transaction.begin()
    assert PANEL_MEMBER not in case.get_local_roles_for_userid("dirk")
    assert rest("dirk").get(case.absolute_url()).status_code in (401, 403, 404)
    found = rest("dirk").get("@search", params={"portal_type": "Case"}).json()
    assert found["items"] == []


def test_bad_input_is_a_400_naming_the_problem(functional_portal, rest):
    _network_with_experts(functional_portal)
    case = make_case(functional_portal)
    transaction.commit()
    admin = rest()
    url = f"{case.absolute_url()}/@invite"
    cases = [
        ({}, "userids or expertise_area: give one of them"),
        ({"userids": ["ghost"]}, "userids: no user 'ghost'"),
        (
            {"userids": ["nina"]},
            "userids: 'nina' is not a healthcare professional of the network",
        ),
        ({"userids": []}, "userids: give at least one user id"),
        ({"userids": 5}, "userids: must be a list of user ids"),
        ({"expertise_area": "nowhere"}, "expertise_area: no expertise area 'nowhere'"),
        (
            {"userids": ["anna"], "expertise_area": "x"},
            "userids and expertise_area: give only one of them",
        ),
    ]
    for body, message in cases:
        response = admin.post(url, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["message"] == message
    broken = admin.post(
        url, data="{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["message"]
    # One bad id invites nobody.
    admin.post(url, json={"userids": ["anna", "ghost"]})
    transaction.begin()
    assert PANEL_MEMBER not in case.get_local_roles_for_userid("anna")
    not_member = admin.delete(f"{case.absolute_url()}/@panel/anna")
    assert not_member.status_code == 400
    assert (
        not_member.json()["message"] == "userid: 'anna' is not a member of this panel"
    )


def test_appoint_the_lead_and_add_a_guest_over_rest(
    functional_portal, smtp_server, rest
):
    smtp_server.connect(functional_portal)
    _network_with_experts(functional_portal)
    make_user("coord", roles=("Member", "Coordinator"), fullname="Coord")
    make_user("gus", roles=("Member",), fullname="Gus Guest")
    make_user("gwen", roles=("Member",), fullname="Gwen Guest")
    case = make_case(functional_portal, nickname="Blue Heron")
    set_state(case, "submitted")
    transaction.commit()
    url = f"{case.absolute_url()}/@panel"
    coordinator = rest("coord")

    appointed = coordinator.post(url, json={"lead": "anna"})
    assert appointed.status_code == 200, appointed.text
    roles = {p["userid"]: p["roles"] for p in appointed.json()["items"]}
    assert roles == {"anna": ["Panel Lead"]}
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "anna@example.invalid"
    assert "You lead the panel of case" in mail["Subject"]

    # A new lead: the former one stays a member; both are told.
    smtp_server.clear()
    again = coordinator.post(url, json={"lead": "bert"})
    roles = {p["userid"]: p["roles"] for p in again.json()["items"]}
    assert roles == {"bert": ["Panel Lead"], "anna": ["Panel Member"]}
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == [
        "anna@example.invalid",
        "bert@example.invalid",
    ]

    # The lead adds a guest (not a lead: that is the coordinators').
    smtp_server.clear()
    lead = rest("bert")
    assert lead.post(url, json={"lead": "carla"}).status_code == 401
    # Within the 180-day bound of a guest grant (cpms.identity.guests).
    until = date.today() + timedelta(days=90)
    added = lead.post(
        url, json={"guest": "gus@example.invalid", "until": until.isoformat()}
    )
    assert added.status_code == 200, added.text
    (guest,) = [p for p in added.json()["items"] if p["userid"] == "gus"]
    assert guest["roles"] == ["Guest Clinician"]
    assert guest["until"].startswith(until.isoformat())
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "gus@example.invalid"
    # The date as the mail writes it for an English reader (Babel's long
    # form: "1 March 2027", no leading zero), whatever day the test runs.
    from cpms.core.i18n import format_date

    assert f"until {format_date(until, 'en')}" in mail.get_content()
    assert rest("gus").get(case.absolute_url()).status_code == 200

    refused = {
        "lead or guest: give exactly one of them": {},
        "lead: Nina Not-HP is not a healthcare professional of the network.": {
            "lead": "nina"
        },
        "until: The end date must be in the future.": {
            "guest": "gwen",
            "until": "2001-01-01",
        },
        "guest: Gus Guest is already a guest of this case: change the end date "
        "of their access instead.": {"guest": "gus", "until": "2031-01-01"},
    }
    for message, body in refused.items():
        response = coordinator.post(url, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["message"] == message
    nobody = coordinator.post(url, json={"guest": "nobody@nowhere.invalid"})
    assert nobody.json()["message"].startswith(
        "guest: nobody with the user name or email address"
    )
