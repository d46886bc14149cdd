"""The one shape of every REST error of the portal (cpms.core.services)."""

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from tests.public.helpers import create


@pytest.fixture
def admin(functional_portal):
    with requests.Session() as session:
        session.headers["Accept"] = "application/json"
        session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        yield session


def test_a_refused_transition_answers_the_one_shape_and_changes_nothing(
    functional_portal, admin
):
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        entry = create(functional_portal, "FAQEntry", title="Cache problems")
    transaction.commit()
    url = entry.absolute_url()

    # plone.restapi's own service sets the publication date before it tries
    # the transition, and kept it when the transition was refused.
    refused = admin.post(f"{url}/@workflow/no_such_transition")
    assert refused.status_code == 400
    body = refused.json()
    assert body["type"] == "BadRequest"
    assert body["message"]
    assert "error" not in body
    item = admin.get(url).json()
    assert item["review_state"] == "private"
    assert item["effective"] is None

    submitted = admin.post(f"{url}/@workflow/submit")
    assert submitted.status_code == 200
    assert submitted.json()["review_state"] == "pending"


def test_a_body_that_is_not_an_object_is_refused(functional_portal, admin):
    url = f"{functional_portal.absolute_url()}/@notification-settings"
    answer = admin.patch(url, json=["digest"])
    assert answer.status_code == 400
    assert answer.json()["type"] == "BadRequest"
    assert answer.json()["message"] == "The request body must be a JSON object."
    assert admin.get(url).json()["mode"] == "immediate"
