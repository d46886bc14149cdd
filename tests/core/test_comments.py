"""Workflow comments written in the Classic UI get the checks of a comment
sent over REST (cpms.core.validation.text_problem): a size cap, valid
Unicode, no control characters. Each is refused with a message on the page,
never a 500, and the transition does not happen (so nothing is stored)."""

import re
from urllib.parse import quote

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser

from cpms.cases import states
from cpms.demo import DEMO_PASSWORD
from cpms.referrals import states as referral_states
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import userid

BAD_COMMENTS = {
    "control characters": ("Which tests\x00 were\x07 done?", "control"),
    "100 KB": ("x" * 100_000, "at most 20000 characters"),
}


def browser(app, login, password):
    b = Browser(app)
    b.handleErrors = True
    b.raiseHttpErrors = False
    b.addHeader("Authorization", f"Basic {login}:{password}")
    return b


def history(obj):
    return [
        entry.get("comments") or ""
        for entries in obj.workflow_history.values()
        for entry in entries
    ]


@pytest.fixture
def case_in_discussion(functional):
    case = build_case(functional["portal"], states.IN_DISCUSSION)
    transaction.commit()
    return case


@pytest.mark.parametrize("kind", sorted(BAD_COMMENTS))
def test_case_page_comment_refused(functional, case_in_discussion, kind):
    comment, message = BAD_COMMENTS[kind]
    lead = browser(functional["app"], userid("coordinator"), PASSWORD)
    lead.open(case_in_discussion.absolute_url())
    form = lead.getForm(id="action-request_info")
    form.getControl(name="comment").value = comment
    form.getControl("Ask the referring clinician for information").click()
    assert lead.headers["status"].startswith("200")
    assert "Comment: " in lead.contents
    assert message in lead.contents
    transaction.begin()
    assert api.content.get_state(case_in_discussion) == states.IN_DISCUSSION
    assert comment not in history(case_in_discussion)


def test_case_page_comment_not_utf8_refused(functional, case_in_discussion):
    """Over HTTP, as a browser would send it. The boundary refuses the form
    before the view runs (cpms.core.boundary): 400 and Plone's error page,
    which does not repeat the boundary's reason."""
    url = case_in_discussion.absolute_url()
    with requests.Session() as lead:
        lead.auth = (userid("coordinator"), PASSWORD)
        page = lead.get(url, timeout=60).text
        token = re.search(r'name="_authenticator" value="([^"]+)"', page).group(1)
        answer = lead.post(
            f"{url}/@@case-action",
            data=f"action=request_info&_authenticator={token}&comment=a%ED%A0%80b",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "text/html",
            },
            timeout=60,
        )
    assert answer.status_code == 400
    assert "there seems to be an error" in answer.text
    transaction.begin()
    assert api.content.get_state(case_in_discussion) == states.IN_DISCUSSION


@pytest.mark.parametrize("kind", sorted(BAD_COMMENTS))
def test_plone_transition_form_comment_refused(functional, case_in_discussion, kind):
    comment, message = BAD_COMMENTS[kind]
    admin = browser(functional["app"], SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    admin.open(
        f"{case_in_discussion.absolute_url()}/content_status_history"
        "?workflow_action=request_info"
    )
    token = admin.getControl(name="_authenticator").value
    admin.post(
        f"{case_in_discussion.absolute_url()}/content_status_modify",
        "workflow_action=request_info"
        f"&_authenticator={quote(token)}&comment={quote(comment)}",
    )
    assert admin.headers["status"].startswith("200")
    assert admin.url.endswith("content_status_history?workflow_action=request_info")
    assert "Comment: " in admin.contents
    assert message in admin.contents
    transaction.begin()
    assert api.content.get_state(case_in_discussion) == states.IN_DISCUSSION
    assert comment not in history(case_in_discussion)


@pytest.mark.parametrize("kind", sorted(BAD_COMMENTS))
def test_referral_step_message_refused(demo_functional, kind):
    comment, message = BAD_COMMENTS[kind]
    referral = demo_functional["portal"]["referrals"]["demo-referral-1"]
    assert api.content.get_state(referral) == referral_states.SUBMITTED
    coordinator = browser(demo_functional["app"], "coordinator", DEMO_PASSWORD)
    coordinator.open(
        f"{referral.absolute_url()}/@@referral-transition?transition=decline"
    )
    coordinator.getControl(name="comment").value = comment
    coordinator.getForm(id="referral-transition").submit(name="form.submitted")
    assert coordinator.headers["status"].startswith("200")
    assert "Message: " in coordinator.contents
    assert message in coordinator.contents
    transaction.begin()
    assert api.content.get_state(referral) == referral_states.SUBMITTED
    assert not getattr(referral, "decline_reason", None)
