"""Outsiders learn nothing of a case, by any path.

The outsiders: anonymous, a member without authorisation, a healthcare
professional on no panel, helpdesk, network staff (editor, reviewer), the
owner, lead and member of another case, a member removed from this case's
panel, a guest whose grant was revoked and a guest whose grant has ended (no
purge has run), a data protection officer and a researcher. For each, the
walk asks every way Plone offers to reach or list content: the case's and
its items' URLs (HTML and REST) and its REST services, the statistics
(@statistics, @@statistics and their CSV), search (@search by type, path,
UID, case id, full text and security token; @querystring-search; @@search,
@@ajax-search, search_rss, the query builder's pages), vocabularies (REST's
and @@getVocabulary's Catalog), listings (My cases, the Plone dashboard, the
owner's author page, recently modified, the review list), navigation
(@navigation, @contextnavigation, @breadcrumbs, sitemap, sitemap.xml.gz),
syndication (RSS of /cases, even with its feed switched on, and of the
site), folder contents, WebDAV and the catalog's metadata. Then every UID
path (resolveuid, @@redirect-to-uuid, rich-text links, @linkintegrity,
@relations, UID searches) must answer for the case's UIDs exactly as for a
UID that does not exist; and every view, REST service and traversal
namespace registered for a case or its items is asked as each outsider.

Case data: the case id, its nickname, its items' titles, any free text. No
answer may carry any of it.

Known and accepted: Plone answers a case URL with "log in" (or "no
permission") and an unknown URL with "not found", so someone who guesses a
case's URL learns that it exists; never what it holds. Where the URL
itself holds the case id, only the other secrets are looked for.
"""

import gzip
import json
import re
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine
import transaction
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.rest.interfaces import IAPIRequest
from Products.CMFPlone.interfaces.syndication import IFeedSettings
from pytest_plone.fixtures.requests import RelativeSession
from zope.component import getSiteManager
from zope.interface import Interface
from zope.interface import alsoProvides
from zope.publisher.browser import TestRequest
from zope.traversing.interfaces import ITraversable

from cpms.cases import states
from cpms.collaboration import panel
from cpms.identity import guests
from cpms.interfaces import ICPMSLayer
from tests.security.helpers import CLINICAL_SUMMARY
from tests.security.helpers import MEETING_AGENDA
from tests.security.helpers import MEETING_TITLE
from tests.security.helpers import NICKNAME
from tests.security.helpers import PASSWORD
from tests.security.helpers import SECOND_EXPERT
from tests.security.helpers import add_meeting
from tests.security.helpers import build_case
from tests.security.helpers import build_other_case
from tests.security.helpers import create_outsiders
from tests.security.helpers import outsider
from tests.security.helpers import userid

# label -> row of tests.security.helpers (None: anonymous)
OUTSIDERS = {
    "anonymous": None,
    "member": "member",
    "hp_not_on_case": "hp_other",
    "helpdesk": "helpdesk",
    "editor": "editor",
    "reviewer": "reviewer",
    "owner_of_another_case": "other_owner",
    "lead_of_another_case": "other_lead",
    "member_of_another_case": "other_member",
    "removed_panel_member": "removed_member",
    "revoked_guest": "revoked_guest",
    "expired_guest": "expired_guest",
    "data_protection_officer": "dpo",
    "researcher": "researcher",
}
# They find their own case, never this one.
OTHER_CASE_PEOPLE = {"other_owner", "other_lead", "other_member"}
CONTRIBUTION_TEXT = "I suggest genetic testing."
REPORT_TEXT = "Findings of the panel (matrix)"
# Item titles that say something of the case (the consent's and the
# report's titles are generic words found all over the site).
CONTRIBUTION_TITLES = [f"Opinion of {userid('lead')}", f"Opinion of {SECOND_EXPERT[0]}"]
FAKE_UID = uuid.uuid4().hex
CSRF_TOKEN = re.compile(
    r'(data-token="|_authenticator=|name="_authenticator" value=")\w+'
)


@pytest.fixture
def leak_site(functional_portal):
    portal = functional_portal
    catalog = api.portal.get_tool("portal_catalog")
    case = build_case(portal, states.IN_DISCUSSION)
    meeting = add_meeting(case)
    build_other_case(portal)
    create_outsiders()
    # Once on the case: a panel member removed, a guest revoked, and a guest
    # whose grant ended yesterday (granted in the past, when it was live).
    panel.invite(case, [outsider("removed_member")])
    panel.remove(case, outsider("removed_member"))
    guests.grant_guest_access(case, outsider("revoked_guest"))
    guests.revoke_guest_access(case, outsider("revoked_guest"))
    now = datetime.now(UTC)
    with time_machine.travel(now - timedelta(days=10), tick=False):
        guests.grant_guest_access(
            case, outsider("expired_guest"), until=now - timedelta(days=1)
        )
        with api.env.adopt_user(username=outsider("expired_guest")):
            # While the grant lived, the guest found the case.
            assert len(catalog(UID=case.UID())) == 1
    api.portal.set_registry_record("plone.enable_sitemap", True)
    IFeedSettings(portal["cases"]).enabled = True
    IFeedSettings(portal).enabled = True
    # A public guide whose text links to the case and its meeting by UID, and
    # to a UID that does not exist.
    with api.env.adopt_roles(["Manager"]):
        links = "".join(
            f'<p><a href="resolveuid/{uid}">Link {n}</a></p>'
            for n, uid in enumerate((case.UID(), meeting.UID(), FAKE_UID))
        )
        guide = api.content.create(
            container=portal["guides"],
            type="Guide",
            id="linking-guide",
            title="A guide with links",
            steps=RichTextValue(links, "text/html", "text/x-html-safe"),
        )
        if api.content.get_state(guide) != "published":
            api.content.transition(obj=guide, to_state="published")
    site = portal.absolute_url_path()
    items = [o.absolute_url_path()[len(site) :] for o in case.objectValues()]
    info = {
        "url": portal.absolute_url(),
        "case_url": case.absolute_url(),
        "case_path": case.absolute_url_path()[len(site) :],
        "meeting_path": meeting.absolute_url_path()[len(site) :],
        "meeting_uid": meeting.UID(),
        "item_paths": items,
        "item_uids": [o.UID() for o in case.objectValues()],
        "case_id": case.case_id,
        "uid": case.UID(),
        "owner": userid("owner"),
        "guide_path": guide.absolute_url_path()[len(site) :],
        "secrets": [
            NICKNAME,
            CLINICAL_SUMMARY,
            CONTRIBUTION_TEXT,
            REPORT_TEXT,
            MEETING_TITLE,
            MEETING_AGENDA,
            *CONTRIBUTION_TITLES,
            case.case_id,
            case.getId(),
            case.UID(),
        ],
    }
    transaction.commit()
    return info


def session(base, row, accept):
    s = RelativeSession(base)
    if row is not None:
        s.auth = (outsider(row), PASSWORD)
    s.headers.update({"Accept": accept})
    return s


def leaks(body: str, secrets) -> list[str]:
    lowered = body.lower()
    return [s for s in secrets if s.lower() in lowered]


def content_secrets(site):
    """What a URL naming the case does not carry: all but its id."""
    case_ids = {site["case_id"].lower(), site["case_path"].split("/")[-1].lower()}
    return [s for s in site["secrets"] if s.lower() not in case_ids]


def walk(site, row) -> dict:
    """Every read path as ``row``: label -> what leaked."""
    web = session(site["url"], row, "text/html")
    rest = session(f"{site['url']}/++api++", row, "application/json")
    secrets = site["secrets"]
    inside = content_secrets(site)
    query = json.dumps(
        {
            "criteria": [
                {
                    "i": "portal_type",
                    "o": "plone.app.querystring.operation.selection.any",
                    "v": [
                        "Case",
                        "Contribution",
                        "ConsentRecord",
                        "OutcomeReport",
                        "Meeting",
                    ],
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
        hits += leaks(response.headers.get("Location", ""), expect)
        if hits:
            found[label] = hits
        refused_page = "login" in response.url or "insufficient-privileges" in (
            response.url
        )
        if must_refuse and response.status_code == 200 and not refused_page:
            found[label] = found.get(label, []) + [f"answered 200 at {response.url}"]

    has_a_case = row in OTHER_CASE_PEOPLE
    not_theirs = site["case_url"] if has_a_case else f"{site['url']}/cases/"
    case_path = site["case_path"]
    # The case and its items, HTML and REST.
    for path in [case_path, *site["item_paths"]]:
        check(f"GET {path}", web.get(path), inside, must_refuse=True)
        check(f"REST GET {path}", rest.get(path), inside, must_refuse=True)
    for suffix in (
        "@workflow",
        "@history",
        "@sharing",
        "@audit",
        "@breadcrumbs",
        "@panel",
        "@report-pdf",
        "@lock",
    ):
        path = f"{case_path}/{suffix}"
        check(f"REST {path}", rest.get(path), inside, must_refuse=True)
    # WebDAV (tests/security/test_webdav.py walks it fully).
    for path in (case_path, site["meeting_path"], "/cases"):
        answer = web.request("PROPFIND", path, headers={"Depth": "1"})
        check(f"PROPFIND {path}", answer, inside)

    # Search. A search page repeats the words searched for: those are not
    # looked for in its answer, the other secrets and any result are.
    def without(*asked):
        return [x for x in secrets if x.lower() not in " ".join(asked).lower()]

    for params in (
        {"SearchableText": NICKNAME},
        {"SearchableText": "ataxia"},
        {"SearchableText": "Quillfeather"},
        {"portal_type": "Case"},
        {"portal_type": "Meeting"},
        {"path": "/plone/cases", "fullobjects": "1"},
        {"UID": site["uid"]},
        {"case_id": site["case_id"]},
        {"allowedRolesAndUsers": f"user:{outsider(row)}" if row else "Anonymous"},
        {"Creator": site["owner"]},
    ):
        response = rest.get("/@search", params=params)
        check(f"@search {params}", response, without(*params.values()))
        # No result from /cases (the people of another case: none of this one).
        inside_results = [
            item["@id"]
            for item in response.json().get("items", [])
            if item["@id"].startswith(not_theirs)
        ]
        if inside_results:
            found[f"@search {params} results"] = inside_results
    response = rest.post(
        "/@querystring-search", json={"query": json.loads(query)["criteria"]}
    )
    check("@querystring-search", response)
    if has_a_case:
        items = response.json().get("items", [])
        ours = [item for item in items if item["@id"].startswith(not_theirs)]
        if ours:
            found["@querystring-search results"] = ours
    elif response.json().get("items_total") != 0:
        found["@querystring-search results"] = response.json().get("items")
    check(
        "GET @querystring-search",
        rest.get(
            "/@querystring-search",
            params={"query": json.dumps({"query": json.loads(query)["criteria"]})},
        ),
    )
    for view in ("/@@search", "/@@updated_search", "/search_rss"):
        check(
            view,
            web.get(view, params={"SearchableText": NICKNAME}),
            without(NICKNAME),
        )
    check(
        "/@@ajax-search",
        web.get("/@@ajax-search", params={"q": NICKNAME}),
        without(NICKNAME),
    )
    builder = {
        "query.i:records": "portal_type",
        "query.o:records": "plone.app.querystring.operation.selection.any",
        "query.v:records:list": ["Case", "Meeting", "Contribution"],
    }
    for view in ("/@@querybuilder_html_results", "/@@querybuildernumberofresults"):
        check(view, web.get(view, params=builder))
    # Vocabularies.
    check(
        "@vocabularies Catalog",
        rest.get(
            "/@vocabularies/plone.app.vocabularies.Catalog",
            params={"title": site["case_id"]},
        ),
        without(site["case_id"]),
    )
    for where in ("", "/cases"):
        check(
            f"{where}/@@getVocabulary Catalog",
            web.get(
                f"{where}/@@getVocabulary",
                params={"name": "plone.app.vocabularies.Catalog", "query": query},
            ),
        )
    # Listings: My cases, the Plone dashboard, the owner's author page.
    check("@my-cases", rest.get("/@my-cases"))
    check("@@my-cases", web.get("/@@my-cases"))
    check("@@dashboard", web.get("/@@dashboard"))
    check("author page", web.get(f"/author/{site['owner']}"))
    check("REST author page", rest.get(f"/author/{site['owner']}"))
    for view in ("/recently_modified", "/recently_published", "/full_review_list"):
        check(view, web.get(view))
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
    # Syndication: the feeds of /cases and of the site are switched on.
    for feed in (
        "/cases/RSS",
        "/cases/rss.xml",
        "/cases/atom.xml",
        "/cases/itunes.xml",
        "/RSS",
        "/rss.xml",
        "/atom.xml",
    ):
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
    # Statistics (researchers, coordinators): counts, never a case.
    check("@statistics", rest.get("/@statistics"))
    check("@statistics csv", rest.get("/@statistics", params={"format": "csv"}))
    check("@@statistics", web.get("/@@statistics"))
    check("@@statistics.csv", web.get("/@@statistics.csv"))
    # KPIs and the activity report (coordinators, managers): case ids.
    check("@kpis", rest.get("/@kpis"), must_refuse=True)
    report = rest.get("/@activity-report", params={"format": "csv"})
    check("@activity-report csv", report, must_refuse=True)
    check("@@activity-report", web.get("/@@activity-report"), must_refuse=True)
    check("@@activity-report.csv", web.get("/@@activity-report.csv"), must_refuse=True)
    # Contact requests: each user's own, never another case.
    check("@contact-requests", rest.get("/@contact-requests"))
    check("@@contact-requests", web.get("/@@contact-requests"))
    return found


def test_the_researcher_reads_statistics_and_no_case(leak_site):
    """The researcher's own page and REST answer (the walk above and below
    finds no case by any other path)."""
    rest = session(f"{leak_site['url']}/++api++", "researcher", "application/json")
    answer = rest.get("/@statistics")
    assert answer.status_code == 200
    assert answer.json()["tables"]["state"]["rows"]
    page = session(leak_site["url"], "researcher", "text/html").get("/@@statistics")
    assert page.status_code == 200 and "Statistics" in page.text
    cases = rest.get("/@search", params={"portal_type": "Case"}).json()
    assert cases["items_total"] == 0


def test_no_outsider_learns_anything_on_any_read_path(leak_site):
    found = {}
    for label, row in OUTSIDERS.items():
        for path, hits in walk(leak_site, row).items():
            found[f"{label}: {path}"] = hits
    assert found == {}, json.dumps(found, indent=1)


def _uid_paths(site, uid):
    """label -> (method, path, params, accept) of every path taking a UID."""
    criteria = json.dumps(
        {
            "criteria": [
                {
                    "i": "UID",
                    "o": "plone.app.querystring.operation.selection.is",
                    "v": uid,
                }
            ]
        }
    )
    html, rest = "text/html", "application/json"
    return {
        "resolveuid": ("GET", f"/resolveuid/{uid}", {}, html),
        "@@resolveuid": ("GET", f"/@@resolveuid/{uid}", {}, html),
        "resolveuid with a subpath": ("GET", f"/resolveuid/{uid}/view", {}, html),
        "@@redirect-to-uuid": ("GET", f"/@@redirect-to-uuid/{uid}", {}, html),
        "@linkintegrity": ("GET", "/@linkintegrity", {"uids": uid}, rest),
        "@relations source": ("GET", "/@relations", {"source": uid}, rest),
        "@relations target": ("GET", "/@relations", {"target": uid}, rest),
        "@search UID": ("GET", "/@search", {"UID": uid}, rest),
        "@@getVocabulary UID": (
            "GET",
            "/@@getVocabulary",
            {"name": "plone.app.vocabularies.Catalog", "query": criteria},
            html,
        ),
        "@vocabularies Catalog token": (
            "GET",
            "/@vocabularies/plone.app.vocabularies.Catalog",
            {"token": uid},
            rest,
        ),
    }


def _ask(site, row, method, path, params, accept):
    s = session(site["url"], row, accept)
    return s.request(method, path, params=params, allow_redirects=False)


def _same(real, fake, uid):
    """The answer for ``uid`` is the answer for FAKE_UID, with one for the
    other: same status, same redirect, same body."""

    def norm(response, value):
        return (
            response.status_code,
            response.headers.get("Location", "").replace(value, "<uid>"),
            # plone.protect's token differs from one answer to the next.
            CSRF_TOKEN.sub("<token>", response.text.replace(value, "<uid>")),
        )

    return norm(real, uid) == norm(fake, FAKE_UID)


def test_uid_answers_are_those_of_an_unknown_uid(leak_site):
    site = leak_site
    uids = {
        "case": site["uid"],
        **dict(zip(site["item_paths"], site["item_uids"], strict=True)),
    }
    # Those who may view the case: the UIDs resolve (the walk can fail).
    lead = {}
    for name, (method, path, params, accept) in _uid_paths(site, site["uid"]).items():
        lead[name] = _ask(site, "lead", method, path, params, accept)
    assert lead["resolveuid"].status_code == 301
    assert lead["resolveuid"].headers["Location"] == site["case_url"]
    assert lead["@@redirect-to-uuid"].headers["Location"] == site["case_url"]
    assert lead["@linkintegrity"].json()[0]["@id"] == site["case_url"]
    assert lead["@search UID"].json()["items_total"] == 1
    unknown = _ask(site, "lead", "GET", f"/resolveuid/{FAKE_UID}", {}, "text/html")
    assert unknown.status_code == 404
    # The guide, read by the case's people first (its text is then cached
    # for every reader): its link leads to the case when followed.
    page = session(site["url"], "lead", "text/html").get(site["guide_path"])
    assert f'href="resolveuid/{site["uid"]}"' in page.text
    followed = session(site["url"], "lead", "text/html").get(
        f"{site['guide_path']}/../resolveuid/{site['uid']}", allow_redirects=False
    )
    assert followed.headers["Location"] == site["case_url"]

    found = {}
    for label, row in OUTSIDERS.items():
        for what, uid in uids.items():
            real_paths = _uid_paths(site, uid)
            fake_paths = _uid_paths(site, FAKE_UID)
            for name, (method, path, params, accept) in real_paths.items():
                real = _ask(site, row, method, path, params, accept)
                fake = _ask(site, row, *fake_paths[name])
                if not _same(real, fake, uid):
                    found[f"{label}: {name} of {what}"] = (
                        real.status_code,
                        fake.status_code,
                        real.text[:300],
                    )
                hits = leaks(
                    real.text + real.headers.get("Location", ""),
                    [s for s in site["secrets"] if s != uid],
                )
                if hits:
                    found[f"{label}: {name} of {what} leaks"] = hits
        # Rich text: the guide's links to the case and its meeting stay as
        # written, as the link to a UID that does not exist does (the UIDs
        # are the editor's words; the case's URL and data are not).
        for accept in ("text/html", "application/json"):
            page = session(site["url"], row, accept).get(site["guide_path"])
            assert page.status_code == 200, (label, page.status_code)
            hidden = [site["uid"], site["meeting_uid"], FAKE_UID]
            secrets = [s for s in site["secrets"] if s not in hidden]
            hits = leaks(page.text, [*secrets, site["case_path"]])
            hits += [u for u in hidden if f"resolveuid/{u}" not in page.text]
            if hits:
                found[f"{label}: guide's links ({accept})"] = hits
    assert found == {}, json.dumps(found, indent=1)


def registered_names(case):
    """What Zope publishes on ``case`` for a browser or REST request:
    (kind, name) for views, REST services and traversal namespaces, from
    every component registry the site uses."""
    request = TestRequest()
    alsoProvides(request, ICPMSLayer, IAPIRequest)
    registrations, registries, seen = [], [getSiteManager(case)], set()
    while registries:
        registry = registries.pop()
        if id(registry) in seen:
            continue
        seen.add(id(registry))
        registrations.extend(registry.registeredAdapters())
        registries.extend(getattr(registry, "__bases__", ()))
    names = set()
    for reg in registrations:
        if len(reg.required) != 2:
            continue
        context, layer = reg.required
        if not (context.providedBy(case) and layer.providedBy(request)):
            continue
        if reg.provided is ITraversable and reg.name:
            names.add(("namespace", reg.name, context is Interface))
        elif reg.provided is Interface and reg.name:
            method, _, rest = reg.name.partition("_")
            if rest.startswith("application/") or rest.startswith("application_"):
                names.add(("service", reg.name, context is Interface))
            else:
                names.add(("view", reg.name, context is Interface))
    return sorted(names)


def _service_request(name):
    """``GET_application_json_@workflow`` -> (GET, application/json, @workflow)."""
    method, _, rest = name.partition("_")
    kind, _, rest = rest.partition("_")
    subtype, _, service = rest.partition("_")
    return method, f"{kind}/{subtype}", service


def test_every_view_service_and_namespace_of_a_case(leak_site, functional_portal):
    """Lists what is registered for a case and for an item of it (views,
    REST services, traversal namespaces) and asks each as each outsider."""
    portal = functional_portal
    site = leak_site
    case = portal.unrestrictedTraverse(
        f"{'/'.join(portal.getPhysicalPath())}{site['case_path']}"
    )
    meeting = portal.unrestrictedTraverse(
        f"{'/'.join(portal.getPhysicalPath())}{site['meeting_path']}"
    )
    on_case = registered_names(case)
    # Names registered for any object were asked on the case already; on
    # the meeting, those registered for its own interfaces.
    on_meeting = [n for n in registered_names(meeting) if not n[2]]
    kinds = {kind for kind, _, _ in on_case}
    assert kinds == {"view", "service", "namespace"}, kinds
    assert len(on_case) > 200  # the whole of Plone's publishing surface
    assert "GET_application_json_@workflow" in {name for _, name, _ in on_case}
    secrets = content_secrets(site)
    found = {}
    for label, row in OUTSIDERS.items():
        web = session(site["url"], row, "text/html")
        for path, names in (
            (site["case_path"], on_case),
            (site["meeting_path"], on_meeting),
        ):
            for kind, name, _generic in names:
                if kind == "view":
                    answer = web.get(f"{path}/@@{name}", allow_redirects=False)
                elif kind == "namespace":
                    answer = web.get(f"{path}/++{name}++view", allow_redirects=False)
                else:
                    method, accept, service = _service_request(name)
                    url = f"{path}/{service}" if service else path
                    answer = web.request(
                        method,
                        url,
                        # Zope may answer HEAD with a body: no reuse after it.
                        headers={
                            "Accept": accept,
                            "Content-Type": "application/json",
                            "Connection": "close",
                        },
                        data="{}" if method in ("POST", "PATCH", "PUT") else None,
                        allow_redirects=False,
                    )
                hits = leaks(answer.text, secrets)
                hits += leaks(answer.headers.get("Location", ""), secrets)
                if hits:
                    found[f"{label}: {kind} {name} on {path}"] = hits
    assert found == {}, json.dumps(found, indent=1)
    # Nothing was changed by all that asking.
    portal._p_jar.sync()
    assert api.content.get_state(case) == states.IN_DISCUSSION
    assert meeting.getId() in case.objectIds()


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
    assert len(brains) >= 6  # case, consent, two contributions, report, meeting
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
        *(f"user:{outsider(row)}" for row in OUTSIDERS.values() if row),
    }
    for brain in brains:
        allowed = set(
            catalog.getIndexDataForRID(brain.getRID())["allowedRolesAndUsers"]
        )
        assert not allowed & outsiders, (brain.getPath(), allowed & outsiders)
        # The ended grant's token stays until the purge, and is never asked.
        expired = [t for t in allowed if t.startswith("guest:")]
        assert all(outsider("expired_guest") in t for t in expired), expired
        for value in (brain.Title, brain.Description):
            assert not leaks(value or "", [NICKNAME, CLINICAL_SUMMARY]), brain.getPath()
