"""A guest's access ends at its end date, to the second, on every path.

No purge runs in these tests: the clock is moved across the end date and
every search, listing, vocabulary, feed, dashboard and author page is asked
again as the guest. Each path is first shown to find the case while the
grant lives, so that "not found afterwards" means something.
"""

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import unquote_plus

import pytest
import time_machine
import transaction
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.CMFPlone.interfaces.syndication import IFeedSettings
from zope.annotation.interfaces import IAnnotations

from cpms.collaboration import panel
from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.identity import guests
from cpms.identity.catalog import guest_tokens_of
from tests.identity.conftest import make_case
from tests.identity.conftest import make_user
from tests.identity.conftest import rest

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
END = datetime(2027, 3, 10, 17, 30, 0, tzinfo=UTC)
NICKNAME = "Blue Heron"
OTHER = "Grey Owl"  # a case the guest never had


def case_query(portal_type="Case"):
    return [
        {
            "i": "portal_type",
            "o": "plone.app.querystring.operation.selection.any",
            "v": [portal_type],
        }
    ]


def walk(portal, case, session):
    """path label -> (the answer's text, what was asked), as the guest."""
    site = portal.absolute_url()
    case_path = "/".join(case.getPhysicalPath())
    owner = case.getOwner().getId()
    query = json.dumps({"criteria": case_query()})
    answers = {}

    def get(label, url, **params):
        response = session.get(f"{site}{url}", params=params, timeout=60)
        answers[label] = (response.text, unquote_plus(response.request.url))

    for label, params in {
        "@search portal_type": {"portal_type": "Case"},
        "@search path": {"path": case_path},
        "@search UID": {"UID": case.UID()},
        "@search case_id": {"case_id": case.case_id},
        "@search SearchableText": {"SearchableText": NICKNAME},
        "@search allowedRolesAndUsers": {
            "allowedRolesAndUsers": "user:gus",
            "portal_type": "Case",
        },
    }.items():
        get(label, "/@search", **params, metadata_fields="case_nickname")
    response = session.post(
        f"{site}/@querystring-search",
        json={"query": case_query(), "metadata_fields": ["case_nickname"]},
        timeout=60,
    )
    answers["@querystring-search"] = (response.text, "")
    get(
        "@vocabularies Catalog",
        "/@vocabularies/plone.app.vocabularies.Catalog",
        title=case.case_id,
    )
    get(
        "@@getVocabulary Catalog",
        "/@@getVocabulary",
        name="plone.app.vocabularies.Catalog",
        query=query,
        attributes='["UID", "Title", "path"]',
    )
    get(
        "@@querybuilder_html_results",
        "/@@querybuilder_html_results",
        **{
            "query.i:records": "portal_type",
            "query.o:records": "plone.app.querystring.operation.selection.any",
            "query.v:records:list": "Case",
        },
    )
    get("@my-cases", "/@my-cases")
    get("@@my-cases", "/@@my-cases")
    get("@@dashboard", "/@@dashboard")
    get("owner's author page", f"/author/{owner}")
    get("/cases/RSS", "/cases/RSS")
    get("/cases/atom.xml", "/cases/atom.xml")
    get("search_rss", "/search_rss", SearchableText=NICKNAME)
    get("@@search", "/@@search", SearchableText=NICKNAME)
    get("sitemap", "/sitemap")
    return answers


def seen(answers, case):
    """The labels whose answer names the case: its URL, UID, case id or
    nickname, unless the question held it (a search page repeats it)."""
    markers = [case.absolute_url(), case.UID(), case.case_id, NICKNAME]
    found = []
    for label, (text, asked) in answers.items():
        text, asked = text.lower(), asked.lower()
        if any(m.lower() in text for m in markers if m.lower() not in asked):
            found.append(label)
    return sorted(found)


@pytest.fixture
def guest_site(functional_portal, network):
    portal = functional_portal
    with time_machine.travel(START, tick=False):
        case = make_case(portal, network, NICKNAME)
        make_case(portal, network, OTHER)
        make_user("gus")
        guests.grant_guest_access(case, "gus", until=END)
        IFeedSettings(portal["cases"]).enabled = True
        api.portal.set_registry_record("plone.enable_sitemap", True)
        transaction.commit()
    return portal, case


def test_every_path_forgets_the_case_at_the_end_date(guest_site):
    portal, case = guest_site
    gus = rest(portal, "gus")
    gus.headers["Accept"] = "application/json"
    web = rest(portal, "gus")
    web.headers["Accept"] = "text/html"

    def both():
        return {
            **{f"REST {k}": v for k, v in walk(portal, case, gus).items()},
            **{f"web {k}": v for k, v in walk(portal, case, web).items()},
        }

    with time_machine.travel(END - timedelta(seconds=1), tick=False):
        before = both()
    with time_machine.travel(END + timedelta(seconds=1), tick=False):
        after = both()
    visible = seen(before, case)
    # While the grant lives, the case is found on the paths that list it
    # (REST's Catalog vocabulary lists nothing without a query, the feed of
    # /cases needs the folder, which guests do not see: both are still
    # walked afterwards).
    for label in (
        "REST @search portal_type",
        "REST @search path",
        "REST @search UID",
        "REST @search case_id",
        "REST @search SearchableText",
        "REST @querystring-search",
        "REST owner's author page",
        "REST @@dashboard",
        "REST @my-cases",
        "web @@getVocabulary Catalog",
        "web @@querybuilder_html_results",
        "web @@my-cases",
        "web @@search",
        "web owner's author page",
        "web @@dashboard",
    ):
        assert label in visible, (label, before[label][0][:2000])
    # A second after the end, no path names it, and no purge has run.
    assert seen(after, case) == [], {k: after[k][0][:500] for k in seen(after, case)}
    assert IAnnotations(case)[guests.CASE_KEY]["gus"]["until"] == END


def test_the_end_is_to_the_second(functional_portal, network):
    portal = functional_portal
    catalog = api.portal.get_tool("portal_catalog")
    with time_machine.travel(START, tick=False):
        case = make_case(portal, network, NICKNAME)
        make_user("gus")
        guests.grant_guest_access(case, "gus", until=END)
        transaction.commit()

    def found():
        with api.env.adopt_user(username="gus"):
            return [b.getObject() for b in catalog(portal_type="Case")]

    with time_machine.travel(END - timedelta(microseconds=1), tick=False):
        assert found() == [case]
        assert len(guest_tokens_of("gus")) == 1
    # The grant's end is its first moment without access, as for the role.
    with time_machine.travel(END, tick=False):
        assert found() == []
        assert guest_tokens_of("gus") == []
        assert "Guest Clinician" not in api.user.get_roles(username="gus", obj=case)


def test_extension_and_revocation_reach_the_index_at_once(functional_portal, network):
    portal = functional_portal
    catalog = api.portal.get_tool("portal_catalog")
    with time_machine.travel(START, tick=False):
        case = make_case(portal, network, NICKNAME)
        make_user("gus")
        guests.grant_guest_access(case, "gus", until=END)

        def found():
            with api.env.adopt_user(username="gus"):
                return len(catalog(portal_type="Case"))

        assert found() == 1
        # Extended: the old end no longer counts, the new one does.
        guests.extend_guest_access(case, "gus", END + timedelta(days=5))
        with time_machine.travel(END + timedelta(days=1), tick=False):
            assert found() == 1
        # Revoked: gone in the same transaction, before any commit.
        guests.revoke_guest_access(case, "gus")
        assert found() == 0
        index = catalog._catalog.getIndex("allowedRolesAndUsers")
        assert not [k for k in index.uniqueValues() if "gus" in k]


def test_the_guest_token_is_the_only_entry_of_a_guest(functional_portal, network):
    """The index names a guest only through the grant's token: no
    ``user:<guest>`` that would outlive the grant."""
    portal = functional_portal
    catalog = api.portal.get_tool("portal_catalog")
    with time_machine.travel(START, tick=False):
        case = make_case(portal, network, NICKNAME)
        make_user("gus")
        guests.grant_guest_access(case, "gus", until=END)
        processQueue()
        rid = catalog.getrid("/".join(case.getPhysicalPath()))
        tokens = catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"]
    assert "user:gus" not in tokens
    assert "guest:gus:2027-03-10T17:30:00.000000Z" in tokens


def test_a_removed_panel_member_leaves_the_index_in_the_same_transaction(
    portal, int_network
):
    catalog = api.portal.get_tool("portal_catalog")
    case = make_case(portal, int_network, NICKNAME)
    make_user("emil", roles=("Member", HEALTHCARE_PROFESSIONAL))

    def found():
        with api.env.adopt_user(username="emil"):
            return len(catalog(portal_type="Case"))

    panel.invite(case, ["emil"])
    assert found() == 1
    panel.remove(case, "emil")
    # Before any commit: the next search of the same transaction.
    assert found() == 0


def test_upgrade_replaces_the_guest_user_tokens_of_older_sites(
    portal, int_network, setup_tool
):
    """A site indexed before held ``user:<guest>``: the upgrade step
    reindexes the cases with grants."""
    catalog = api.portal.get_tool("portal_catalog")
    case = make_case(portal, int_network, NICKNAME)
    make_user("gus")
    guests.grant_guest_access(case, "gus", until=datetime.now(UTC) + timedelta(1))
    processQueue()
    rid = catalog.getrid("/".join(case.getPhysicalPath()))
    index = catalog._catalog.getIndex("allowedRolesAndUsers")
    # What Plone's own indexer wrote before: the guest as a user token.
    index.index_object(rid, SimpleNamespace(allowedRolesAndUsers=["user:gus"]))
    assert catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"] == ["user:gus"]
    setup_tool.setLastVersionForProfile("cpms:default", "20261130001")

    setup_tool.upgradeProfile("cpms:default")
    processQueue()

    tokens = catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"]
    assert "user:gus" not in tokens
    assert [t for t in tokens if t.startswith("guest:gus:")]
