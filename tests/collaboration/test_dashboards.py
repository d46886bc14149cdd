"""The dashboards show the demo cases (src/cpms/demo/cases.py) correctly."""

import pytest
from pytest_plone.fixtures.requests import RelativeSession

from cpms.demo import DEMO_PASSWORD


@pytest.fixture
def demo_rest(demo_functional_portal):
    sessions = []

    def factory(userid):
        session = RelativeSession(f"{demo_functional_portal.absolute_url()}/")
        session.headers["Accept"] = "application/json"
        session.auth = (userid, DEMO_PASSWORD)
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        session.close()


def _rows(data):
    return [
        (r["nickname"], r["review_state"], r["waiting_on_you"]) for r in data["items"]
    ]


def test_my_cases_of_the_referring_clinician(demo_rest):
    response = demo_rest("clinician").get("@my-cases")
    assert response.status_code == 200, response.text
    data = response.json()
    # Urgent first, then what waits on me, then by state.
    assert _rows(data) == [
        ("Silver Otter (demo)", "in_discussion", ""),
        ("Blue Heron (demo)", "draft", "Complete the case and submit it"),
        ("Quiet Lynx (demo)", "closed", ""),
    ]
    assert data["by_state"] == {"in_discussion": 1, "draft": 1, "closed": 1}
    assert data["waiting_on_you"] == 1
    assert data["items"][0]["urgent"] is True
    assert data["items"][0]["roles"] == ["Owner"]


def test_my_cases_of_the_panel(demo_rest):
    lead = demo_rest("lead").get("@my-cases").json()
    assert _rows(lead) == [
        ("Silver Otter (demo)", "in_discussion", "Write and sign the outcome report"),
        ("Quiet Lynx (demo)", "closed", ""),
    ]
    assert lead["items"][0]["roles"] == ["Panel Lead"]
    # expert1 contributed to Silver Otter; expert2 has not yet.
    assert _rows(demo_rest("expert1").get("@my-cases").json())[0] == (
        "Silver Otter (demo)",
        "in_discussion",
        "",
    )
    assert _rows(demo_rest("expert2").get("@my-cases").json())[0] == (
        "Silver Otter (demo)",
        "in_discussion",
        "Add your contribution",
    )
    # A healthcare professional on no panel sees no case.
    assert demo_rest("helpdesk").get("@my-cases").json()["items"] == []


def test_coordinator_dashboard(demo_rest):
    data = demo_rest("coordinator").get("@coordinator-dashboard").json()
    (panel,) = data["open_panels"]
    assert panel["nickname"] == "Silver Otter (demo)"
    assert panel["urgent"] is True
    assert panel["contributions"] == 2
    assert panel["days_open"] == 0
    assert panel["report_signed"] is False
    assert data["waiting_for_panel"] == []
    assert data["by_state"] == {"draft": 1, "in_discussion": 1, "closed": 1}
    assert data["closed_count"] == 1
    assert data["median_days_to_closure"] == 0.0
    # Not for others.
    assert demo_rest("expert1").get("@coordinator-dashboard").status_code in (401, 403)


def test_classic_views(demo_rest):
    page = demo_rest("expert2")
    page.headers["Accept"] = "text/html"
    html = page.get("@@my-cases").text
    assert "Silver Otter (demo)" in html and "Add your contribution" in html
    coordinator = demo_rest("coordinator")
    coordinator.headers["Accept"] = "text/html"
    html = coordinator.get("@@coordinator-dashboard").text
    assert "Open panels" in html and "Silver Otter (demo)" in html
    assert "Blue Heron" not in html  # a draft is nobody's panel yet
