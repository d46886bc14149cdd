"""The workflow menu's page for a referral step with its message (Classic UI)."""

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


def test_the_workflow_menu_leads_to_the_step_page(staff, referral):
    s = requests.Session()
    s.auth = ("coord1", PASSWORD)
    page = s.get(referral.absolute_url(), timeout=30).text
    assert "@@referral-transition?transition=start_review" in page
    assert "@@referral-transition?transition=decline" in page


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
