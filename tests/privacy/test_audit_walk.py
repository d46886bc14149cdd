"""The access audit records every read of a case, allowed or refused.

For each identity of the leak walk (tests/security/test_leak_walk.py: the
outsiders, the data protection officer) and the case's own people, the
walk's read paths of the case (the case and each item, HTML and REST, the
case's REST services) are asked; each request leaves one record with the
user, the outcome (refused for outsiders, allowed for the case's people),
the channel and the user's roles on the case at that moment."""

import transaction
from pytest_plone.fixtures.requests import RelativeSession

from cpms.core import auditstore
from tests.security.helpers import PASSWORD
from tests.security.helpers import outsider
from tests.security.test_leak_walk import OUTSIDERS
from tests.security.test_leak_walk import leak_site  # noqa: F401 - fixture

INSIDERS = {"owner": "owner", "lead": "lead", "coordinator": "coordinator"}
SERVICES = ("@workflow", "@history", "@sharing", "@audit", "@panel", "@report-pdf")


def _session(base, row, accept):
    s = RelativeSession(base)
    if row is not None:
        s.auth = (outsider(row), PASSWORD)
    s.headers.update({"Accept": accept})
    return s


def _paths(site):
    case = site["case_path"]
    asked = []
    for path in [case, *site["item_paths"]]:
        asked.append(("web", path))
        asked.append(("rest", path))
    for suffix in SERVICES:
        asked.append(("rest", f"{case}/{suffix}"))
    return asked


def _walk(site, row):
    web = _session(site["url"], row, "text/html")
    rest = _session(f"{site['url']}/++api++", row, "application/json")
    answers = {}
    for channel, path in _paths(site):
        session = web if channel == "web" else rest
        answers[(channel, path)] = session.get(path, allow_redirects=False)
    return answers


def _records(site, user):
    found, _ = auditstore.search(case_uid=site["uid"], user=user, kind="access")
    return found


def _record_of(records, channel, path):
    """The record of one request: its details name the method and path."""
    plone_path = f"/plone{'/++api++' if channel == 'rest' else ''}{path}"
    return [r for r in records if r["details"].startswith(f"GET {plone_path} ")]


def test_every_read_path_of_every_identity_is_recorded(leak_site):  # noqa: F811 - the fixture
    site = leak_site
    missing, wrong = {}, {}
    identities = {**OUTSIDERS, **INSIDERS}
    for label, row in identities.items():
        answers = _walk(site, row)
        user = outsider(row) if row else "Anonymous User"
        records = _records(site, user)
        expected = "allowed" if label in INSIDERS else "refused"
        for (channel, path), answer in answers.items():
            mine = _record_of(records, channel, path)
            if len(mine) != 1:
                missing[f"{label} {channel} {path}"] = len(mine)
                continue
            (record,) = mine
            outcome = expected
            if label in INSIDERS and answer.status_code in (401, 403, 404):
                outcome = "refused"
            if record["outcome"] != outcome:
                wrong[f"{label} {channel} {path}"] = (
                    record["outcome"],
                    answer.status_code,
                )
            want_channel = "download" if path.endswith("@report-pdf") else channel
            if record["channel"] != want_channel:
                wrong[f"{label} {channel} {path} channel"] = record["channel"]
    assert missing == {}
    assert wrong == {}


def test_the_roles_held_at_that_moment_are_recorded(leak_site):  # noqa: F811 - the fixture
    site = leak_site
    _walk(site, "lead")
    (record,) = _record_of(_records(site, outsider("lead")), "web", site["case_path"])
    assert "Panel Lead" in record["roles"].split(",")
    assert record["action"] == "view"
    assert record["case"] == site["case_id"]
    assert record["item"] == ""
    assert record["client"]
    _walk(site, "hp_other")
    (refused,) = _record_of(
        _records(site, outsider("hp_other")), "rest", site["case_path"]
    )
    assert refused["outcome"] == "refused"
    assert "Panel Lead" not in refused["roles"]
    assert "Healthcare Professional" in refused["roles"].split(",")


def test_a_read_is_no_zodb_write(leak_site, functional_portal):  # noqa: F811 - the fixture
    site = leak_site
    db = functional_portal._p_jar.db()
    rest = _session(f"{site['url']}/++api++", "lead", "application/json")
    web = _session(site["url"], "lead", "text/html")
    paths = [site["case_path"], *site["item_paths"]]
    # Plone stores a portlet's settings the first time a page shows it:
    # that write is Plone's, once; then reads stay reads.
    for path in paths:
        web.get(path)
    transaction.begin()
    before = db.lastTransaction()
    recorded = len(_records(site, outsider("lead")))
    for path in paths:
        assert rest.get(path).status_code == 200
        assert web.get(path).status_code == 200
    transaction.begin()
    assert db.lastTransaction() == before
    assert len(_records(site, outsider("lead"))) == recorded + 2 * len(paths)


def test_searches_record_each_case_they_return(leak_site):  # noqa: F811 - the fixture
    site = leak_site
    rest = _session(f"{site['url']}/++api++", "lead", "application/json")
    answer = rest.get("/@search", params={"portal_type": "Case"})
    assert site["case_url"] in answer.text
    found, _ = auditstore.search(
        case_uid=site["uid"], user=outsider("lead"), action="search"
    )
    assert [r["item"] for r in found] == ["/plone/@search"]
    assert found[0]["outcome"] == "allowed"
    # An outsider's search returns no case: no record of it.
    outsider_rest = _session(f"{site['url']}/++api++", "hp_other", "application/json")
    outsider_rest.get("/@search", params={"portal_type": "Case"})
    found, _ = auditstore.search(
        case_uid=site["uid"], user=outsider("hp_other"), action="search"
    )
    assert found == []
