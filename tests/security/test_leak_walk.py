"""Outsiders learn nothing of a case, by any path.

For each outsider (anonymous, a member without authorisation, a healthcare
professional not on the case, helpdesk, network staff) the test walks every
way Plone offers to reach or list content: the case's and its items' URLs
(HTML and REST), search (@search, @querystring-search, @@search,
search_rss), navigation (@navigation, @contextnavigation, @breadcrumbs,
sitemap, sitemap.xml.gz), syndication (RSS of /cases, even with its feed
switched on), folder contents (REST listing, @@getVocabulary behind the
folder-contents page) and the catalog's metadata. No answer may carry the
case id, its nickname or any clinical text.

Known and accepted: Plone answers a case URL with "log in" (or "no
permission") and an unknown URL with "not found", so someone who guesses a
case's URL learns that it exists; never what it holds. Where the URL
itself holds the case id, only the other secrets are looked for.
"""

import gzip
import json

import pytest
import transaction
from plone import api
from Products.CMFPlone.interfaces.syndication import IFeedSettings
from pytest_plone.fixtures.requests import RelativeSession

from cpms.cases import states
from tests.security.helpers import CLINICAL_SUMMARY
from tests.security.helpers import NICKNAME
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case
from tests.security.helpers import userid

OUTSIDERS = {
    "anonymous": None,
    "member": "member",
    "hp_not_on_case": "hp_other",
    "helpdesk": "helpdesk",
    "editor": "editor",
}
CONTRIBUTION_TEXT = "I suggest genetic testing."
REPORT_TEXT = "Findings of the panel (matrix)"


@pytest.fixture
def leak_site(functional_portal):
    portal = functional_portal
    case = build_case(portal, states.IN_DISCUSSION)
    api.portal.set_registry_record("plone.enable_sitemap", True)
    IFeedSettings(portal["cases"]).enabled = True
    site = portal.absolute_url_path()
    items = [o.absolute_url_path()[len(site) :] for o in case.objectValues()]
    info = {
        "url": portal.absolute_url(),
        "case_path": case.absolute_url_path()[len(site) :],
        "item_paths": items,
        "case_id": case.case_id,
        "uid": case.UID(),
        "secrets": [
            NICKNAME,
            CLINICAL_SUMMARY,
            CONTRIBUTION_TEXT,
            REPORT_TEXT,
            case.case_id,
            case.getId(),
            case.UID(),
        ],
    }
    transaction.commit()
    return info


def session(base, row):
    s = RelativeSession(base)
    if row is not None:
        s.auth = (userid(row), PASSWORD)
    return s


def leaks(body: str, secrets) -> list[str]:
    lowered = body.lower()
    return [s for s in secrets if s.lower() in lowered]


@pytest.mark.parametrize("outsider", sorted(OUTSIDERS))
def test_outsider_learns_nothing(leak_site, outsider):
    row = OUTSIDERS[outsider]
    web = session(leak_site["url"], row)
    web.headers.update({"Accept": "text/html"})
    rest = session(f"{leak_site['url']}/++api++", row)
    rest.headers.update({"Accept": "application/json"})
    secrets = leak_site["secrets"]
    # Secrets that a URL naming the case carries anyway.
    content_secrets = [NICKNAME, CLINICAL_SUMMARY, CONTRIBUTION_TEXT, REPORT_TEXT]
    query = json.dumps(
        {
            "criteria": [
                {
                    "i": "portal_type",
                    "o": "plone.app.querystring.operation.selection.any",
                    "v": ["Case", "Contribution", "ConsentRecord", "OutcomeReport"],
                }
            ]
        }
    )
    found = {}

    def check(label, response, expect=secrets, must_refuse=False):
        body = response.text
        if response.headers.get("Content-Type", "").startswith("application/x-gzip"):
            body = gzip.decompress(response.content).decode()
        hits = leaks(body, expect)
        if hits:
            found[label] = hits
        refused_page = "login" in response.url or "insufficient-privileges" in (
            response.url
        )
        if must_refuse and response.status_code == 200 and not refused_page:
            found[label] = found.get(label, []) + [f"answered 200 at {response.url}"]

    case_path = leak_site["case_path"]
    # The case and its items, HTML and REST.
    for path in [case_path, *leak_site["item_paths"]]:
        check(f"GET {path}", web.get(path), content_secrets, must_refuse=True)
        check(f"REST GET {path}", rest.get(path), content_secrets, must_refuse=True)
    for suffix in ("@workflow", "@history", "@sharing", "@audit", "@breadcrumbs"):
        path = f"{case_path}/{suffix}"
        check(f"REST {path}", rest.get(path), content_secrets, must_refuse=True)

    # Search. A search page repeats the words searched for: those are not
    # looked for in its answer, the other secrets and any result are.
    def without(*asked):
        return [x for x in secrets if x.lower() not in " ".join(asked).lower()]

    for params in (
        {"SearchableText": NICKNAME},
        {"SearchableText": "ataxia"},
        {"portal_type": "Case"},
        {"path": "/plone/cases", "fullobjects": "1"},
        {"UID": leak_site["uid"]},
        {"case_id": leak_site["case_id"]},
    ):
        response = rest.get("/@search", params=params)
        check(f"@search {params}", response, without(*params.values()))
        inside = [
            item["@id"]
            for item in response.json().get("items", [])
            if "/cases/" in item["@id"]
        ]
        if inside:
            found[f"@search {params} results"] = inside
    response = rest.post(
        "/@querystring-search", json={"query": json.loads(query)["criteria"]}
    )
    check("@querystring-search", response)
    if response.json().get("items_total") != 0:
        found["@querystring-search results"] = response.json().get("items")
    for view in ("/@@search", "/@@updated_search", "/search_rss"):
        check(
            view,
            web.get(view, params={"SearchableText": NICKNAME}),
            without(NICKNAME),
        )
    # Navigation.
    check(
        "@navigation",
        rest.get("/@navigation", params={"expand.navigation.depth": "4"}),
    )
    check(
        "@contextnavigation",
        rest.get(
            "/cases/@contextnavigation",
            params={"expand.contextnavigation.bottomLevel": "3"},
        ),
    )
    check("/cases/@breadcrumbs", rest.get("/cases/@breadcrumbs"))
    check("sitemap", web.get("/sitemap"))
    check("sitemap.xml.gz", web.get("/sitemap.xml.gz"))
    # Syndication: the feed of /cases is switched on for this walk.
    for feed in ("/cases/RSS", "/cases/rss.xml", "/cases/atom.xml", "/RSS"):
        check(feed, web.get(feed))
    # Folder contents: the REST listing and the vocabulary behind the
    # folder-contents page.
    check("REST GET /cases", rest.get("/cases"))
    check("/cases/folder_contents", web.get("/cases/folder_contents"))
    check(
        "@@getVocabulary Catalog",
        web.get(
            "/cases/@@getVocabulary",
            params={"name": "plone.app.vocabularies.Catalog", "query": query},
        ),
    )
    check("@types", rest.get("/cases/@types"))
    assert found == {}, json.dumps(found, indent=1)


def test_catalog_metadata_names_no_outsider(leak_site, functional_portal):
    """What the catalog keeps of a case: readable only by the case's people,
    and the case's title and description hold no clinical data."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        path=leak_site["case_path"].join(("/plone", ""))
    )
    brains = catalog.unrestrictedSearchResults(
        path="/".join(functional_portal.getPhysicalPath()) + leak_site["case_path"]
    )
    assert len(brains) >= 5  # case, consent, two contributions, report
    outsiders = {
        "Anonymous",
        "Authenticated",
        "Member",
        "Editor",
        "Reviewer",
        "Reader",
        "Contributor",
        "Site Administrator",
        "Helpdesk",
        "Healthcare Professional",
        f"user:{userid('hp_other')}",
    }
    for brain in brains:
        allowed = set(
            catalog.getIndexDataForRID(brain.getRID())["allowedRolesAndUsers"]
        )
        assert not allowed & outsiders, (brain.getPath(), allowed & outsiders)
        for value in (brain.Title, brain.Description):
            assert not leaks(value or "", [NICKNAME, CLINICAL_SUMMARY]), brain.getPath()
