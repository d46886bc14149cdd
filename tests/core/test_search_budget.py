"""One search request cannot hold a worker: past the registry's time budget
@search, @querystring-search and the search page answer 503 with a clear
message, never 500 (cpms.core.search_budget)."""

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from cpms.core.search_budget import BUDGET_RECORD
from cpms.core.search_budget import DEFAULT_BUDGET_MS
from cpms.core.search_budget import SearchTimeout
from cpms.core.search_budget import search_budget

QUERYSTRING = {
    "query": [
        {
            "i": "portal_type",
            "o": "plone.app.querystring.operation.selection.any",
            "v": ["Guide"],
        }
    ]
}


def budget(portal, milliseconds):
    api.portal.set_registry_record(BUDGET_RECORD, milliseconds)
    transaction.commit()


def searches(url):
    """The three search endpoints, each asked as the site's administrator."""
    auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    rest = {"Accept": "application/json"}
    return {
        "@search": requests.get(
            f"{url}/@search",
            params={"SearchableText": "bladder", "sort_on": "sortable_title"},
            headers=rest,
            auth=auth,
            timeout=60,
        ),
        "@querystring-search": requests.post(
            f"{url}/@querystring-search",
            json=QUERYSTRING,
            headers=rest,
            auth=auth,
            timeout=60,
        ),
        "@@search": requests.get(
            f"{url}/@@search",
            params={"SearchableText": "bladder"},
            auth=auth,
            timeout=60,
        ),
    }


def test_default_budget_is_in_the_registry(demo_integration):
    assert api.portal.get_registry_record(BUDGET_RECORD) == DEFAULT_BUDGET_MS == 2000


def test_searches_answer_within_the_default_budget(demo_functional_portal):
    answers = searches(demo_functional_portal.absolute_url())
    assert answers["@search"].status_code == 200
    assert answers["@search"].json()["items_total"] > 0
    assert answers["@querystring-search"].status_code == 200
    assert answers["@querystring-search"].json()["items_total"] > 0
    assert answers["@@search"].status_code == 200
    assert "took too long" not in answers["@@search"].text
    assert 'id="search-results"' in answers["@@search"].text
    live = requests.get(
        f"{demo_functional_portal.absolute_url()}/@@ajax-search",
        params={"SearchableText": "bladder"},
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=60,
    )
    assert live.status_code == 200
    assert live.json()["total"] > 0


def test_searches_past_the_budget_answer_a_clear_error(demo_functional_portal):
    budget(demo_functional_portal, 0)
    answers = searches(demo_functional_portal.absolute_url())
    for name in ("@search", "@querystring-search"):
        answer = answers[name]
        assert answer.status_code == 503, (name, answer.text[:300])
        assert answer.json()["type"] == "SearchTimeout"
        assert answer.json()["message"].startswith("The search took too long")
        assert "narrow it" in answer.json()["message"]
    page = answers["@@search"]
    assert page.status_code == 503
    assert "The search took too long; narrow it" in page.text
    assert "No results were found." in page.text
    live = requests.get(
        f"{demo_functional_portal.absolute_url()}/@@ajax-search",
        params={"SearchableText": "bladder"},
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=60,
    )
    assert live.status_code == 200
    assert live.json()["total"] == 0
    # The portal's other pages do not search within a budget.
    front = requests.get(
        demo_functional_portal.absolute_url(),
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=60,
    )
    assert front.status_code == 200


def test_budget_applies_only_inside_a_search(demo_integration):
    catalog = api.portal.get_tool("portal_catalog")
    assert len(catalog(portal_type="Guide")) > 0
    with pytest.raises(SearchTimeout), search_budget(0):
        catalog(portal_type="Guide")
    # The deadline ends with the block.
    assert len(catalog(portal_type="Guide")) > 0
