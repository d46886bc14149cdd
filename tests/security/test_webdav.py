"""WebDAV: off for the whole portal unless the operator turns it on, and
never on the cases folder, a case or anything inside one.

Zope answers PROPFIND with an object's id and title (and its children's with
Depth 1) to anyone holding "WebDAV access", which Plone gives every
logged-in user: a case id and its meeting's title went to any member.
"""

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

from cpms.cases import states
from cpms.identity.webdav import SWITCH
from tests.security.helpers import CLINICAL_SUMMARY
from tests.security.helpers import MEETING_TITLE
from tests.security.helpers import NICKNAME
from tests.security.helpers import PASSWORD
from tests.security.helpers import add_meeting
from tests.security.helpers import build_case
from tests.security.helpers import userid

PROPFIND_BODY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>'
)
LOCK_BODY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope>'
    "<d:locktype><d:write/></d:locktype><d:owner>walk</d:owner></d:lockinfo>"
)
# row -> Basic auth (None: anonymous)
WHO = {
    "anonymous": None,
    "member": (userid("member"), PASSWORD),
    "hp_not_on_case": (userid("hp_other"), PASSWORD),
    "helpdesk": (userid("helpdesk"), PASSWORD),
    "editor": (userid("editor"), PASSWORD),
    "owner": (userid("owner"), PASSWORD),
    "lead": (userid("lead"), PASSWORD),
    "coordinator": (userid("coordinator"), PASSWORD),
    "site owner": (SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
}


@pytest.fixture
def dav_site(functional_portal, monkeypatch):
    monkeypatch.delenv(SWITCH, raising=False)
    portal = functional_portal
    case = build_case(portal, states.IN_DISCUSSION)
    meeting = add_meeting(case)
    with api.env.adopt_roles(["Manager"]):
        guide = api.content.create(
            container=portal["guides"], type="Guide", id="dav-guide", title="A guide"
        )
    transaction.commit()
    return {
        "portal": portal,
        "case": case,
        "paths": {
            "site root": "",
            "/guides": "/guides",
            "a guide": f"/guides/{guide.getId()}",
            "/cases": "/cases",
            "the case": f"/cases/{case.getId()}",
            "its meeting": f"/cases/{case.getId()}/{meeting.getId()}",
            "nothing there": "/cases/no-such-case",
        },
        "secrets": [case.case_id, case.getId(), NICKNAME, CLINICAL_SUMMARY]
        + [MEETING_TITLE],
    }


def dav(site, who, method, path, **headers):
    url = f"{site['portal'].absolute_url()}{path}"
    body = {"PROPFIND": PROPFIND_BODY, "LOCK": LOCK_BODY}.get(method)
    if method in ("COPY", "MOVE"):
        headers.setdefault("Destination", f"{site['portal'].absolute_url()}/copied")
    return requests.request(
        method,
        url,
        data=body,
        headers={"Content-Type": "text/xml", "Connection": "close", **headers},
        auth=WHO[who],
        allow_redirects=False,
        timeout=30,
    )


def test_webdav_methods_are_refused_everywhere_by_default(dav_site):
    found = {}
    for who in WHO:
        for label, path in dav_site["paths"].items():
            for method, headers in (
                ("PROPFIND", {"Depth": "0"}),
                ("PROPFIND", {"Depth": "1"}),
                ("PROPPATCH", {}),
                ("MKCOL", {}),
                ("LOCK", {}),
                ("UNLOCK", {"Lock-Token": "<opaquelocktoken:x>"}),
                ("COPY", {}),
                ("MOVE", {}),
            ):
                answer = dav(dav_site, who, method, path, **headers)
                # The same answer for every URL, a case or none: 405.
                if answer.status_code != 405:
                    found[f"{who} {method} {label}"] = answer.status_code
                leaked = [s for s in dav_site["secrets"] if s in answer.text]
                if leaked:
                    found[f"{who} {method} {label} body"] = leaked
    assert found == {}
    # Nothing was moved, copied, created or locked.
    portal = dav_site["portal"]
    portal._p_jar.sync()
    assert "copied" not in portal.objectIds()
    assert dav_site["case"].getId() in portal["cases"].objectIds()
    assert not dav_site["case"].wl_isLocked()


def test_zope_webdav_handlers_of_http_verbs_are_refused(dav_site):
    """PUT, DELETE, OPTIONS and manage_DAVget reach Zope's WebDAV code on
    content: refused too; insiders get 405, outsiders no more than for GET."""
    paths = dav_site["paths"]
    case, meeting = paths["the case"], paths["its meeting"]
    for who in ("lead", "site owner"):
        for method, path in (
            ("PUT", f"{case}/new-file.txt"),
            ("DELETE", meeting),
            ("OPTIONS", case),
            ("GET", f"{case}/manage_DAVget"),
            ("GET", f"{meeting}/manage_DAVget"),
            ("PUT", "/guides/new-file.txt"),
            ("DELETE", paths["a guide"]),
        ):
            answer = dav(dav_site, who, method, path)
            # The site's owner may do anything: 405 is the refusal of
            # WebDAV itself. The lead may not delete (401) or WebDAV (405).
            expected = {405} if who == "site owner" else {401, 405}
            assert answer.status_code in expected, (who, method, path, answer)
            assert "DAV" not in answer.headers, answer.headers
    for who in ("anonymous", "member", "helpdesk", "editor", "hp_not_on_case"):
        for method, path in (
            ("GET", f"{case}/manage_DAVget"),
            ("GET", f"{meeting}/manage_DAVget"),
            ("DELETE", meeting),
            ("PUT", f"{case}/new-file.txt"),
        ):
            answer = dav(dav_site, who, method, path)
            assert answer.status_code in (401, 403, 404, 405), (who, method, path)
            leaked = [s for s in dav_site["secrets"] if s in answer.text]
            assert leaked == [] or set(leaked) <= {case.split("/")[-1]}, (
                who,
                method,
                path,
                leaked,
            )
    portal = dav_site["portal"]
    portal._p_jar.sync()
    assert "dav-guide" in portal["guides"].objectIds()
    assert len(dav_site["case"].objectIds()) >= 5


def test_plone_restapi_keeps_its_verbs(dav_site):
    """REST's DELETE (and the rest) are plone.restapi's, not WebDAV: kept."""
    url = f"{dav_site['portal'].absolute_url()}/guides/dav-guide"
    answer = requests.delete(
        url,
        headers={"Accept": "application/json"},
        auth=WHO["site owner"],
        timeout=30,
    )
    assert answer.status_code == 204, answer.text
    portal = dav_site["portal"]
    portal._p_jar.sync()
    assert "dav-guide" not in portal["guides"].objectIds()


def test_switched_on_webdav_still_never_reaches_the_cases(dav_site, monkeypatch):
    monkeypatch.setenv(SWITCH, "on")
    paths = dav_site["paths"]
    # The public sections answer WebDAV for staff who may use it.
    guide = dav(dav_site, "site owner", "PROPFIND", paths["a guide"], Depth="0")
    assert guide.status_code == 207, guide.text
    assert "A guide" in guide.text
    listing = dav(dav_site, "site owner", "PROPFIND", paths["site root"], Depth="1")
    assert listing.status_code == 207
    assert not [s for s in dav_site["secrets"] if s in listing.text]
    # The cases, never: for their own people and for the site's owner
    # (who may do anything else: 405 is WebDAV's refusal; the others may
    # lack the permission a method needs, 401, before that).
    for who in ("lead", "owner", "coordinator", "site owner"):
        expected = {405} if who == "site owner" else {401, 405}
        for label in ("/cases", "the case", "its meeting"):
            for depth in ("0", "1"):
                answer = dav(dav_site, who, "PROPFIND", paths[label], Depth=depth)
                assert answer.status_code == 405, (who, label, answer.status_code)
            for method in ("PROPPATCH", "LOCK", "MKCOL", "COPY", "MOVE"):
                answer = dav(dav_site, who, method, paths[label])
                assert answer.status_code in expected, (who, method, label, answer)
    # Outsiders are refused before that, as for GET, and learn nothing.
    for who in ("member", "helpdesk", "editor", "hp_not_on_case"):
        answer = dav(dav_site, who, "PROPFIND", paths["the case"], Depth="1")
        assert answer.status_code in (401, 403, 405)
        assert MEETING_TITLE not in answer.text and NICKNAME not in answer.text
    # No walk of a whole tree, and nothing copied into the cases.
    deep = dav(dav_site, "site owner", "PROPFIND", paths["site root"])
    assert deep.status_code == 405
    url = dav_site["portal"].absolute_url()
    into = dav(
        dav_site,
        "site owner",
        "COPY",
        paths["a guide"],
        Destination=f"{url}/cases/a-guide",
    )
    assert into.status_code == 405
    portal = dav_site["portal"]
    portal._p_jar.sync()
    assert "a-guide" not in portal["cases"].objectIds()
