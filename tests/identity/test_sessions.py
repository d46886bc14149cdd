"""Login sessions: idle timeout and absolute lifetime from the registry."""

import base64
import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import requests
import time_machine
import transaction
from plone import api

from tests.identity.conftest import PASSWORD
from tests.identity.conftest import make_user

T0 = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
IDLE = 3600
LIFETIME = 3 * 3600


@pytest.fixture
def session_portal(functional_portal):
    api.portal.set_registry_record("cpms.identity.session_idle_timeout", IDLE)
    api.portal.set_registry_record("cpms.identity.session_max_lifetime", LIFETIME)
    make_user("sam")
    transaction.commit()
    return functional_portal


def browser():
    session = requests.Session()
    session.headers["Connection"] = "close"  # the clock moves between requests
    return session


def login(session, portal):
    return session.post(
        f"{portal.absolute_url()}/login",
        data={
            "__ac_name": "sam",
            "__ac_password": PASSWORD,
            "buttons.login": "Log in",
            "came_from": "",
        },
    )


def logged_in(session, portal) -> bool:
    answer = session.get(
        f"{portal.absolute_url()}/@users/sam", headers={"Accept": "application/json"}
    )
    return answer.status_code == 200


def test_cookie_is_httponly_and_samesite(session_portal):
    session = browser()
    with time_machine.travel(T0, tick=False):
        answer = login(session, session_portal)
    cookie = next(
        v
        for r in [answer, *answer.history]
        for k, v in r.raw.headers.items()
        if k.lower() == "set-cookie" and v.startswith("__ac=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_idle_session_ends(session_portal):
    session = browser()
    with time_machine.travel(T0, tick=False):
        login(session, session_portal)
        assert logged_in(session, session_portal)
    with time_machine.travel(T0 + timedelta(seconds=IDLE + 60), tick=False):
        assert not logged_in(session, session_portal)


def test_activity_keeps_a_session_until_its_absolute_lifetime(session_portal):
    session = browser()
    with time_machine.travel(T0, tick=False):
        login(session, session_portal)
        assert logged_in(session, session_portal)
    # Active every 40 minutes: the idle timeout never strikes...
    moment = T0
    while moment + timedelta(minutes=40) < T0 + timedelta(seconds=LIFETIME):
        moment += timedelta(minutes=40)
        with time_machine.travel(moment, tick=False):
            assert logged_in(session, session_portal), moment
    # ...but the absolute lifetime does.
    with time_machine.travel(T0 + timedelta(seconds=LIFETIME + 60), tick=False):
        assert not logged_in(session, session_portal)


def test_rest_login_token_expires_with_the_session_lifetime(session_portal):
    url = session_portal.absolute_url()
    session = browser()
    session.headers["Accept"] = "application/json"
    with time_machine.travel(T0, tick=False):
        answer = session.post(
            f"{url}/@login", json={"login": "sam", "password": PASSWORD}
        )
        token = answer.json()["token"]
        payload = token.split(".")[1]
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        assert claims["exp"] == int(T0.timestamp()) + LIFETIME
        bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        assert browser().get(f"{url}/@users/sam", headers=bearer).status_code == 200
    with time_machine.travel(T0 + timedelta(seconds=LIFETIME + 60), tick=False):
        assert browser().get(f"{url}/@users/sam", headers=bearer).status_code == 401
