"""Login throttling: at most 100 failed logins per account per hour."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import requests
import time_machine
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from Products.PluggableAuthService.interfaces.plugins import IAuthenticationPlugin

from cpms.identity import throttle
from tests.identity.conftest import PASSWORD
from tests.identity.conftest import make_user

T0 = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_counts():
    throttle.failures.clear()
    yield
    throttle.failures.clear()


@pytest.fixture
def sam(functional_portal):
    make_user("sam")
    make_user("kim")
    transaction.commit()
    return functional_portal


def rest_login(portal, login, password):
    return requests.post(
        f"{portal.absolute_url()}/@login",
        json={"login": login, "password": password},
        headers={"Accept": "application/json", "Connection": "close"},
        timeout=30,
    )


def form_login(portal, login, password):
    return requests.post(
        f"{portal.absolute_url()}/login",
        data={
            "__ac_name": login,
            "__ac_password": password,
            "buttons.login": "Log in",
            "came_from": "",
        },
        headers={"Connection": "close"},
        timeout=30,
    )


def test_counter_is_a_sliding_window_of_one_hour():
    counter = throttle.FailureCounter(limit=3, window=3600)
    for second in (0, 10, 20):
        assert counter.retry_after("Sam", now=second) == 0
        counter.fail("Sam", now=second)
    # Logins are counted case-insensitively.
    assert counter.retry_after("sam", now=30) == 3600 - 30
    assert counter.retry_after("kim", now=30) == 0
    # The first failure leaves the window: one more try is allowed.
    assert counter.retry_after("sam", now=3600) == 0
    counter.fail("sam", now=3600)
    assert counter.retry_after("sam", now=3601) == 10 + 3600 - 3601


def test_attempts_in_progress_count_until_they_end():
    counter = throttle.FailureCounter(limit=3, window=3600)
    counter.fail("sam", now=0)
    # Two guesses checked in parallel take the last two tries of the hour.
    assert counter.begin("sam", now=1) == 0
    assert counter.begin("sam", now=1) == 0
    assert counter.begin("sam", now=1) == 1  # a third must wait
    assert counter.end("sam", failed=False, now=2) == 1
    assert counter.begin("sam", now=2) == 0  # the right password freed one
    counter.end("sam", failed=True, now=3)
    counter.end("sam", failed=True, now=3)
    assert counter.begin("sam", now=4) == 3600 - 4


def test_counter_forgets_the_oldest_logins_beyond_its_bound():
    counter = throttle.FailureCounter(limit=1, window=3600, tracked=2)
    for login in ("a", "b", "c"):
        counter.fail(login, now=0)
    assert counter.retry_after("a", now=1) == 0
    assert counter.retry_after("c", now=1) > 0


def test_plugin_is_first_among_authenticators(portal):
    plugins = api.portal.get_tool("acl_users").plugins
    first = plugins.listPlugins(IAuthenticationPlugin)[0][0]
    assert first == throttle.PLUGIN_ID


def test_101st_login_refused_even_with_the_right_password(portal):
    make_user("sam")
    acl_users = api.portal.get_tool("acl_users")
    request = portal.REQUEST
    assert acl_users.authenticate("sam", PASSWORD, request) is not None
    for attempt in range(throttle.MAX_FAILURES):
        assert acl_users.authenticate("sam", f"wrong-{attempt}", request) is None
    assert acl_users.authenticate("sam", PASSWORD, request) is None
    # Another account is not affected.
    make_user("kim")
    assert acl_users.authenticate("kim", PASSWORD, request) is not None


def test_unknown_accounts_are_counted_too(portal):
    acl_users = api.portal.get_tool("acl_users")
    for attempt in range(throttle.MAX_FAILURES):
        acl_users.authenticate("nobody-here", f"wrong-{attempt}", portal.REQUEST)
    assert throttle.failures.retry_after("nobody-here") > 0


def test_rest_login_answers_429_after_100_failures_then_recovers(sam):
    with time_machine.travel(T0, tick=False):
        for attempt in range(throttle.MAX_FAILURES):
            answer = rest_login(sam, "sam", f"wrong-{attempt}")
            assert answer.status_code == 401, (attempt, answer.text)
        refused = rest_login(sam, "sam", PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "3600"
        error = refused.json()["error"]
        assert error["type"] == "Too many failed logins"
        assert "60 more minutes" in error["message"]
        # The other account logs in as usual.
        assert rest_login(sam, "kim", PASSWORD).status_code == 200
        # HTTP Basic with the right password is refused as well.
        basic = requests.get(
            f"{sam.absolute_url()}/@users/sam",
            auth=("sam", PASSWORD),
            headers={"Accept": "application/json", "Connection": "close"},
            timeout=30,
        )
        assert basic.status_code == 401
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        answer = rest_login(sam, "sam", PASSWORD)
        assert answer.status_code == 429
        assert "30 more minutes" in answer.json()["error"]["message"]
    with time_machine.travel(T0 + timedelta(hours=1, seconds=1), tick=False):
        answer = rest_login(sam, "sam", PASSWORD)
        assert answer.status_code == 200, answer.text
        assert answer.json()["token"]


def test_login_form_says_the_account_is_throttled(sam):
    assert "Login failed" in form_login(sam, "sam", "wrong").text
    for _ in range(throttle.MAX_FAILURES - 1):
        throttle.failures.fail("sam")
    page = form_login(sam, "sam", PASSWORD)
    assert page.status_code == 200
    assert "Too many failed logins for this account" in page.text
    assert "__ac" not in page.cookies
    # The right password of another account still works.
    other = requests.Session()
    other.post(
        f"{sam.absolute_url()}/login",
        data={
            "__ac_name": "kim",
            "__ac_password": PASSWORD,
            "buttons.login": "Log in",
            "came_from": "",
        },
        timeout=30,
    )
    assert "__ac" in other.cookies


def test_zope_admin_logins_are_not_failures(sam):
    for _ in range(3):
        answer = requests.get(
            f"{sam.absolute_url()}/@types",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            headers={"Accept": "application/json", "Connection": "close"},
            timeout=30,
        )
        assert answer.status_code == 200
    assert throttle.failures.retry_after(SITE_OWNER_NAME) == 0
    assert SITE_OWNER_NAME.lower() not in throttle.failures._failures
