"""Helpers of the referral tests: users, a filled-in referral form over HTTP."""

import time

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME

from tests.referrals.html_form import read_form

PASSWORD = "secret-password-1"


def make_user(userid, roles, email=None):
    if api.user.get(userid=userid) is None:
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            api.user.create(
                username=userid,
                email=email or f"{userid}@example.org",
                password=PASSWORD,
                roles=["Member", *roles],
            )


@pytest.fixture
def staff(functional_portal):
    """A coordinator and a helpdesk user (committed: the server sees them)."""
    make_user("coord1", ["Coordinator"], "coord@example.org")
    make_user("helpdesk1", ["Helpdesk"], "help@example.org")
    make_user("hpro1", ["Healthcare Professional"], "hp@example.org")
    # Keep the tests quick: one second is enough to tell the time check works.
    api.portal.set_registry_record("cpms.form_min_fill_seconds", 1)
    transaction.commit()
    return functional_portal


GOOD_ANSWERS = {
    "clinician_name": "Dr. Ana Referrer",
    "clinician_email": "ana.referrer@hospital.example",
    "provider": "General Hospital, Ghent",
    "country:list": "BE",
    "urgency:list": "urgent",
    "summary": "Girl, 7 years, progressive muscle weakness since age 4, "
    "raised CK, biopsy inconclusive.",
    "question": "Which genetic tests would you advise next?",
    "consent:list": "selected",
}


class ReferralForm:
    """An anonymous visitor at /refer-a-case."""

    def __init__(self, portal):
        self.url = portal.absolute_url() + "/refer-a-case"
        self.session = requests.Session()

    def open(self):
        response = self.session.get(self.url)
        assert response.status_code == 200
        self.page = response.text
        return read_form(response.text, "form")

    def send(self, wait=1.1, **answers):
        """GET the form, fill it in like a person (taking ``wait`` seconds),
        POST it with its own CSRF token; returns the response."""
        action, fields = self.open()
        values = GOOD_ANSWERS | answers
        for name, value in values.items():
            fields[f"form.widgets.{name}"] = value
        fields = {k: v for k, v in fields.items() if v is not None}
        fields["form.buttons.submit"] = "Send the referral"
        time.sleep(wait)
        return self.session.post(action, data=fields)


@pytest.fixture
def referral_form(staff):
    return ReferralForm(staff)
