"""The caching policy on the wire: what each kind of page tells caches.

A real WSGI server (demo site), real requests, the headers a browser or
Varnish would act on. Anonymous visitors' public pages may be kept by a
shared cache (and Zope's RAM cache); every page of a logged-in user, and
every page about a case, a referral, an access request or a person, says
``private, no-store`` to everyone, including anonymous visitors who are
refused it.
"""

import re

import pytest
import requests
import transaction

from cpms.demo import DEMO_PASSWORD
from cpms.demo.users import DEMO_USERS

ROLES = sorted(DEMO_USERS)

# Views and services mapped to the `cpms.private` ruleset: a reader they
# answer with 200 sees that rule named in X-Cache-Rule.
PRIVATE_PAGES = (
    "{case}",
    "{case}/@@panel",
    "{contribution}",
    "{case}/@@edit-case",
    "@@new-case",
    "@@my-cases",
    "@@coordinator-dashboard",
    "@@access-requests-queue",
    "@@notification-settings",
    "{access_request}",
    "{referral}",
    "++api++/{case}",
    "++api++/{case}/@panel",
    "++api++/{case}/@audit",
    "++api++/@my-cases",
    "++api++/@coordinator-dashboard",
    "++api++/@access-requests",
    "++api++/@notification-settings",
)
# Folders that only staff see: not mapped one by one, kept out of caches
# because an anonymous visitor may not view them.
STAFF_FOLDERS = ("cases", "referrals", "access-requests")

PUBLIC_PAGES = (
    "",
    "guides",
    "{guide}",
    "common-problems",
    "{faq}",
    "newsletter",
    "{issue}",
    "consent-forms",
    "{consent_form}",
    "network",
    "{provider}",
)


def path_of(obj):
    return "/".join(obj.getPhysicalPath()[2:])


def path_of_physical(obj):
    return "/".join(obj.getPhysicalPath())


def find(portal, portal_type, **query):
    catalog = portal.portal_catalog
    return [
        brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(portal_type=portal_type, **query)
    ]


def first(portal, portal_type, **query):
    return path_of(find(portal, portal_type, **query)[0])


@pytest.fixture
def site(demo_functional_portal):
    portal = demo_functional_portal
    case = find(portal, "Contribution")[0].aq_parent
    paths = {
        "case": path_of(case),
        "contribution": first(portal, "Contribution", path=path_of_physical(case)),
        "access_request": first(portal, "AccessRequest"),
        "referral": first(portal, "Referral"),
        "guide": first(portal, "Guide", review_state="published"),
        "faq": first(portal, "FAQEntry", review_state="published"),
        "issue": first(portal, "NewsletterIssue", review_state="published"),
        "consent_form": first(portal, "ConsentForm", review_state="published"),
        "provider": first(portal, "HealthcareProvider", review_state="published"),
    }
    return portal, paths


def get(portal, path, user=None, **kw):
    url = f"{portal.absolute_url()}/{path}".rstrip("/")
    auth = (user, DEMO_PASSWORD) if user else None
    return requests.get(url, auth=auth, allow_redirects=False, timeout=60, **kw)


def cache_control(response):
    return {t.strip() for t in response.headers.get("Cache-Control", "").split(",")}


def assert_never_stored(response, who):
    tokens = cache_control(response)
    assert {"private", "no-store"} <= tokens, (who, response.url, tokens)
    assert not any(t.startswith("s-maxage") for t in tokens), (who, response.url)
    assert "public" not in tokens, (who, response.url)
    assert "X-RAMCache" not in response.headers, (who, response.url)


def assert_shared_cacheable(response):
    assert response.status_code == 200, response.url
    tokens = cache_control(response)
    smaxage = [t for t in tokens if t.startswith("s-maxage=")]
    assert smaxage and int(smaxage[0].split("=")[1]) >= 60, (response.url, tokens)
    assert not tokens & {"private", "no-store", "no-cache"}, (response.url, tokens)


def test_public_pages_are_cacheable_for_anonymous_visitors(site):
    portal, paths = site
    for page in PUBLIC_PAGES:
        response = get(portal, page.format(**paths))
        assert_shared_cacheable(response)
        assert response.headers["X-Cache-Rule"] in (
            "plone.content.itemView",
            "plone.content.folderView",
        ), response.url


def test_logged_in_users_get_public_pages_private_and_unstored(site):
    portal, paths = site
    for user in ROLES:
        for page in PUBLIC_PAGES:
            response = get(portal, page.format(**paths), user=user)
            assert response.status_code == 200, (user, response.url)
            assert_never_stored(response, user)


def test_case_and_personal_pages_are_never_stored_for_anyone(site):
    portal, paths = site
    seen_private_rule = set()
    for user in (None, *ROLES):
        for page in PRIVATE_PAGES:
            response = get(
                portal,
                page.format(**paths),
                user=user,
                headers={"Accept": "application/json"} if "++api++" in page else {},
            )
            assert_never_stored(response, user)
            if response.status_code == 200:
                assert response.headers.get("X-Cache-Rule") == "cpms.private", (
                    user,
                    response.url,
                )
                seen_private_rule.add(page)
        for folder in STAFF_FOLDERS:
            assert_never_stored(get(portal, folder, user=user), user)
    # Someone could read each of them: the rule above was checked every time.
    assert seen_private_rule == set(PRIVATE_PAGES)


def test_static_resources_are_public_for_everyone(site):
    portal, _paths = site
    front = get(portal, "").text
    css = re.findall(r'<link[^>]+href="([^"]+\.css[^"]*)"', front)
    assert css
    for user in (None, "clinician"):
        auth = (user, DEMO_PASSWORD) if user else None
        response = requests.get(css[0], auth=auth, timeout=60)
        assert response.status_code == 200
        tokens = cache_control(response)
        assert "public" in tokens and "no-store" not in tokens, tokens


def test_ram_cache_serves_anonymous_pages_until_an_edit(site):
    """The embedded default (no proxy): Zope's RAM cache, never stale."""
    portal, paths = site
    get(portal, paths["guide"])
    again = get(portal, paths["guide"])
    assert again.headers.get("X-RAMCache"), "second anonymous view not from RAM"

    guide = portal.unrestrictedTraverse(paths["guide"])
    guide.title = "Guide retitled for the cache test"
    guide.reindexObject()
    transaction.commit()
    edited = get(portal, paths["guide"])
    assert "Guide retitled for the cache test" in edited.text
    assert not edited.headers.get("X-RAMCache")
