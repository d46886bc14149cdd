"""No dead ends: staff reach their sections and dashboards from the UI."""

import pytest
import requests

from cpms.demo import DEMO_PASSWORD


def _get(portal, path, user=None):
    auth = (user, DEMO_PASSWORD) if user else None
    return requests.get(
        f"{portal.absolute_url()}{path}", auth=auth, allow_redirects=False, timeout=60
    )


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/access-requests", "coordinator"),
        ("/referrals", "coordinator"),
        ("/referrals", "helpdesk"),
    ],
)
def test_staff_open_their_private_sections(demo_functional_portal, path, user):
    assert _get(demo_functional_portal, path, user).status_code == 200


@pytest.mark.parametrize("user", [None, "clinician", "editor"])
def test_others_do_not_open_the_access_requests(demo_functional_portal, user):
    answer = _get(demo_functional_portal, "/access-requests", user)
    assert answer.status_code in (302, 401, 403)


def test_dashboards_in_the_user_menu(demo_functional_portal):
    coordinator = _get(demo_functional_portal, "", "coordinator").text
    assert "@@coordinator-dashboard" in coordinator
    assert "@@my-cases" in coordinator
    clinician = _get(demo_functional_portal, "", "clinician").text
    assert "@@my-cases" in clinician
    assert "@@coordinator-dashboard" not in clinician
