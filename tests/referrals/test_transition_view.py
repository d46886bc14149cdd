"""The workflow menu's page for a referral step with its message (Classic UI)."""

import html
import re

import pytest
import requests
import transaction
from plone import api

from cpms.referrals import states as referral_states
from cpms.referrals.actions import create_referral
from tests.referrals.conftest import PASSWORD
from tests.referrals.html_form import read_form
from tests.referrals.html_form import text_of
from tests.referrals.test_workflow import FIELDS


@pytest.fixture
def referral(staff):
    with api.env.adopt_roles(["Manager"]):
        obj = create_referral(FIELDS)
    transaction.commit()
    return obj


def _step_buttons(page: str) -> dict[str, tuple[str, str]]:
    """The referral page's step buttons: transition id -> (href, visible text)."""
    found = {}
    for match in re.finditer(
        r'<a\b[^>]*\bhref="([^"]+)"[^>]*\bid="referral-step-([a-z_]+)"[^>]*>(.*?)</a>',
        page,
        re.S,
    ):
        href, step, label = match.groups()
        found[step] = (html.unescape(href), text_of(label))
    return found


def test_the_referral_page_s_buttons_lead_to_the_step_page(staff, referral):
    """Coordinators have no toolbar State menu: the referral page offers its
    steps as buttons, and the step page of decline and request_info asks for
    a message."""
    s = requests.Session()
    s.auth = ("coord1", PASSWORD)
    buttons = _step_buttons(s.get(referral.absolute_url(), timeout=30).text)
    assert set(buttons) == {"start_review", "decline"}
    href, label = buttons["decline"]
    assert href.endswith("@@referral-transition?transition=decline")
    assert label.startswith("Decline")
    page = s.get(href, timeout=30)
    assert "Message to the referrer (required)" in page.text

    # Start the review from its button (no message needed) ...
    page = s.get(buttons["start_review"][0], timeout=30)
    assert "Message to the referrer (required)" not in page.text
    action, fields = read_form(page.text, "referral-transition")
    fields["form.submitted"] = "1"
    response = s.post(action, data=fields, timeout=30)
    assert response.url == referral.absolute_url()
    # ... then asking for information is a button too, and needs a message.
    buttons = _step_buttons(response.text)
    assert {"request_info", "accept", "decline"} <= set(buttons)
    page = s.get(buttons["request_info"][0], timeout=30)
    assert "Message to the referrer (required)" in page.text


def test_only_the_steps_open_to_the_user_are_buttons(staff, referral):
    s = requests.Session()
    s.auth = ("helpdesk1", PASSWORD)
    buttons = _step_buttons(s.get(referral.absolute_url(), timeout=30).text)
    assert "decline" not in buttons
    assert "start_review" in buttons


def test_decline_from_the_ui_needs_a_reason(staff, referral):
    s = requests.Session()
    s.auth = ("coord1", PASSWORD)
    url = f"{referral.absolute_url()}/@@referral-transition?transition=decline"
    page = s.get(url, timeout=30)
    assert page.status_code == 200
    assert "Message to the referrer (required)" in page.text
    action, fields = read_form(page.text, "referral-transition")
    fields["form.submitted"] = "1"

    fields["comment"] = "   "
    response = s.post(action, data=fields, timeout=30)
    assert "A reason is required" in text_of(response.text)
    transaction.begin()
    assert api.content.get_state(referral) == referral_states.SUBMITTED

    fields["comment"] = "Outside the network's expertise areas."
    response = s.post(action, data=fields, timeout=30)
    assert response.url == referral.absolute_url()
    transaction.begin()
    assert api.content.get_state(referral) == referral_states.DECLINED
    assert referral.decline_reason == "Outside the network's expertise areas."


def test_a_step_not_open_to_the_user_is_not_offered(staff, referral):
    s = requests.Session()
    s.auth = ("helpdesk1", PASSWORD)
    url = f"{referral.absolute_url()}/@@referral-transition?transition=decline"
    response = s.get(url, timeout=30)
    assert response.url == referral.absolute_url()
    assert "This step is not possible" in text_of(response.text)
    transaction.begin()
    assert api.content.get_state(referral) == referral_states.SUBMITTED
