"""Guest clinicians: one case, until a date; time is moved, not waited for."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import requests
import time_machine
import transaction
from plone import api

from cpms.core.roles import GUEST_CLINICIAN
from cpms.identity import guests
from tests.identity.conftest import PASSWORD
from tests.identity.conftest import make_case
from tests.identity.conftest import make_user
from tests.identity.conftest import rest

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def two_cases(functional_portal, network, coordinator):
    with time_machine.travel(START, tick=False):
        first = make_case(functional_portal, network, "Blue Heron")
        second = make_case(functional_portal, network, "Grey Owl")
        make_user("gus", email="gus@clinic.example.org")
        transaction.commit()
    return first, second


def search_cases(session, portal):
    answer = session.get(f"{portal.absolute_url()}/@search?portal_type=Case")
    return sorted(item["@id"] for item in answer.json()["items"])


def test_guest_sees_one_case_until_the_end_date(
    functional_portal, two_cases, coordinator
):
    first, second = two_cases
    portal = functional_portal
    coord = rest(portal, coordinator)
    gus = rest(portal, "gus")
    with time_machine.travel(START, tick=False):
        granted = coord.post(
            f"{portal.absolute_url()}/@guests",
            json={"case": first.UID(), "user": "gus", "until": "2027-03-10"},
        )
        assert granted.status_code == 201, granted.text
        assert granted.json()["until"] == "2027-03-10T23:59:59+00:00"

        assert gus.get(first.absolute_url()).status_code == 200
        assert gus.get(second.absolute_url()).status_code in (401, 403)
        # The case's page too, in the browser.
        page = requests.get(first.absolute_url(), auth=("gus", PASSWORD), timeout=30)
        assert page.status_code == 200
        assert "Blue Heron" in page.text
        assert search_cases(gus, portal) == [first.absolute_url()]
        live = coord.get(f"{portal.absolute_url()}/@guests?user=gus").json()["items"]
        assert [(g["user"], g["case"]) for g in live] == [("gus", first.UID())]

    # The day after the end date: refused at once, no job has run.
    with time_machine.travel(START + timedelta(days=10), tick=False):
        assert gus.get(first.absolute_url()).status_code in (401, 403)
        live = coord.get(f"{portal.absolute_url()}/@guests?user=gus").json()["items"]
        assert live == []
        # The clock's purge drops the grant and the case leaves the listings.
        purged = coord.post(f"{portal.absolute_url()}/@guests-purge").json()
        assert {"case": first.getId(), "user": "gus"} in purged["purged"]
        assert search_cases(gus, portal) == []


def test_extend_and_revoke(functional_portal, two_cases, coordinator):
    first, _second = two_cases
    portal = functional_portal
    coord = rest(portal, coordinator)
    gus = rest(portal, "gus")
    with time_machine.travel(START, tick=False):
        coord.post(
            f"{portal.absolute_url()}/@guests",
            json={"case": first.getId(), "user": "gus", "until": "2027-03-05"},
        )
        extended = coord.patch(
            f"{portal.absolute_url()}/@guests",
            json={"case": first.getId(), "user": "gus", "until": "2027-03-20"},
        )
        assert extended.status_code == 200
    with time_machine.travel(START + timedelta(days=10), tick=False):
        assert gus.get(first.absolute_url()).status_code == 200
        revoked = coord.delete(
            f"{portal.absolute_url()}/@guests",
            json={"case": first.getId(), "user": "gus"},
        )
        assert revoked.status_code == 204
        assert gus.get(first.absolute_url()).status_code in (401, 403)
        assert search_cases(gus, portal) == []
        again = coord.delete(
            f"{portal.absolute_url()}/@guests",
            json={"case": first.getId(), "user": "gus"},
        )
        assert again.status_code == 404
        assert (
            again.json()["message"] == "user: 'gus' has no guest access to this case."
        )


def test_guest_is_warned_once_before_the_end(
    functional_portal, two_cases, coordinator, smtp_server
):
    first, _second = two_cases
    smtp_server.connect(functional_portal)
    with time_machine.travel(START, tick=False):
        guests.grant_guest_access(first, "gus", datetime(2027, 3, 10, 12, tzinfo=UTC))
        transaction.commit()
        # The grant itself is announced to the guest; the warnings follow.
        (granted,) = smtp_server.wait_for(1)
        assert "Guest access to case" in granted["Subject"]
        assert "until 10 March 2027" in granted.get_content()
        smtp_server.clear()
        result = guests.purge_expired()
        assert (first.getId(), "gus") not in result["purged"] + result["warned"]
    # Three days before the end (registry default): one warning, then none.
    with time_machine.travel(datetime(2027, 3, 7, 13, tzinfo=UTC), tick=False):
        assert (first.getId(), "gus") in guests.purge_expired()["warned"]
        transaction.commit()
        assert (first.getId(), "gus") not in guests.purge_expired()["warned"]
        transaction.commit()
    mails = [m for m in smtp_server.wait_for(1) if m["To"] == "gus@clinic.example.org"]
    (mail,) = mails
    assert "ends soon" in mail["Subject"]
    assert "2027-03-10 12:00 UTC" in mail.get_content()
    to_gus = [m for m in smtp_server.messages() if m["To"] == "gus@clinic.example.org"]
    assert len(to_gus) == 1


def test_bad_grants_are_refused_with_a_reason(
    functional_portal, two_cases, coordinator
):
    first, _second = two_cases
    coord = rest(functional_portal, coordinator)
    url = f"{functional_portal.absolute_url()}/@guests"
    past = coord.post(
        url, json={"case": first.UID(), "user": "gus", "until": "2020-01-01"}
    )
    assert past.status_code == 400
    assert past.json()["message"].startswith("until: ")
    assert "future" in past.json()["message"]
    nobody = coord.post(url, json={"case": first.UID(), "user": "nobody"})
    assert nobody.json()["type"] == "BadRequest"
    assert nobody.json()["message"] == "user: Unknown user 'nobody'."
    nocase = coord.post(url, json={"case": "nowhere", "user": "gus"})
    assert nocase.json()["message"].startswith("case: Unknown case")
    # Only coordinators manage guests.
    assert rest(functional_portal, "gus").get(url).status_code == 401


def test_default_length_from_the_registry(portal, int_network):
    case = make_case(portal, int_network)
    make_user("gus")
    api.portal.set_registry_record("cpms.identity.guest_default_days", 14)
    with time_machine.travel(START, tick=False):
        grant = guests.grant_guest_access(case, "gus")
        assert grant.until == START + timedelta(days=14)
        assert GUEST_CLINICIAN in api.user.get_roles(username="gus", obj=case)
        # Stored as a grant, not as a plain local role.
        assert "gus" not in dict(case.get_local_roles())
    with time_machine.travel(START + timedelta(days=15), tick=False):
        assert GUEST_CLINICIAN not in api.user.get_roles(username="gus", obj=case)


def test_sharing_tab_grant_becomes_an_expiring_grant(
    functional_portal, two_cases, coordinator
):
    """A guest given on the Sharing tab (REST @sharing) still loses access."""
    first, _second = two_cases
    portal = functional_portal
    coord = rest(portal, coordinator)
    gus = rest(portal, "gus")
    with time_machine.travel(START, tick=False):
        shared = coord.post(
            f"{first.absolute_url()}/@sharing",
            json={
                "entries": [
                    {"id": "gus", "type": "user", "roles": {"Guest Clinician": True}}
                ]
            },
        )
        assert shared.status_code == 204, shared.text
        assert gus.get(first.absolute_url()).status_code == 200
        live = coord.get(f"{portal.absolute_url()}/@guests?user=gus").json()["items"]
        (grant,) = live
        days = api.portal.get_registry_record("cpms.identity.guest_default_days")
        assert grant["until"].startswith(f"{(START + timedelta(days=days)).date()}")
    with time_machine.travel(START + timedelta(days=days, hours=1), tick=False):
        assert gus.get(first.absolute_url()).status_code in (401, 403)
