"""`make cluster` end to end: PostgreSQL, two Zopes, HAProxy and Varnish.

scripts/cluster.py starts everything on free loopback ports in a temporary
directory, as `make cluster` does in instance/var/cluster; the test talks
only to Varnish, the cluster's entry point, as a visitor would.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.deployment.processes import ROOT
from tests.deployment.processes import free_port

pytestmark = pytest.mark.slow


def cluster_command(action, env, timeout=600):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cluster.py"), action],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result.stdout


@pytest.fixture(scope="module")
def cluster():
    password = secrets.token_urlsafe(12)
    # Not pytest's tmp_path: its parents are private to us, and PostgreSQL
    # runs as the `postgres` user when the tests run as root.
    directory = Path(tempfile.mkdtemp(prefix="cpms-cluster-"))
    directory.chmod(0o755)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_CLUSTER_DIR": str(directory),
        "CPMS_CLUSTER_SIZE": "2",
        "CPMS_CLUSTER_PORT": str(free_port()),
        "CPMS_CLUSTER_HAPROXY_PORT": str(free_port()),
        "CPMS_CLUSTER_ZOPE_PORTS": f"{free_port()},{free_port()}",
        "CPMS_CLUSTER_PG_PORT": str(free_port()),
        "CPMS_THREADS": "2",
        "CPMS_ADMIN_PASSWORD": password,
        "CPMS_DEMO": "0",
    }
    try:
        cluster_command("start", env)
        yield f"http://127.0.0.1:{env['CPMS_CLUSTER_PORT']}/cpms", password
    finally:
        stopped = cluster_command("stop", env)
        status = cluster_command("status", env)
        shutil.rmtree(directory, ignore_errors=True)
    assert "Varnish stopped" in stopped and "PostgreSQL stopped" in stopped, stopped
    assert " up" not in status, status


@pytest.fixture
def admin(cluster):
    _url, password = cluster
    session = requests.Session()
    session.auth = ("admin", password)
    session.headers["Accept"] = "application/json"
    yield session
    session.close()


def anonymous_get(url):
    return requests.get(url, timeout=60)


def wait_for(check, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_written_on_one_zope_read_on_the_other(cluster, admin):
    url, _password = cluster
    created = admin.post(
        url,
        json={"@type": "Document", "id": "cluster-page", "title": "Written once"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    writer = created.headers["X-Served-By"]

    # Round robin: the next requests go to the other process.
    def read_elsewhere():
        response = admin.get(f"{url}/cluster-page", timeout=60)
        return response if response.headers["X-Served-By"] != writer else None

    read = wait_for(read_elsewhere)
    assert read is not None, f"only {writer} answered"
    assert read.json()["title"] == "Written once"
    # Logged in: passed through Varnish, and told to store nothing.
    assert read.headers["X-Cache"] == "MISS"
    assert "no-store" in read.headers["Cache-Control"]


def test_public_page_from_varnish_case_page_never(cluster, admin):
    url, _password = cluster
    page = admin.post(
        url,
        json={"@type": "Document", "id": "public-page", "title": "Before the edit"},
        timeout=60,
    )
    assert page.status_code == 201, page.text
    published = admin.post(f"{url}/public-page/@workflow/publish", timeout=60)
    assert published.status_code == 200, published.text

    first = anonymous_get(f"{url}/public-page")
    assert first.status_code == 200 and "Before the edit" in first.text
    second = anonymous_get(f"{url}/public-page")
    assert second.headers["X-Cache"] == "HIT"
    # Varnish names the request and the one that stored the page.
    assert len(second.headers["X-Varnish"].split()) == 2
    assert "Age" in second.headers
    assert "s-maxage" in second.headers["Cache-Control"]
    # With a login cookie (Plone's or the OIDC plugin's), never from the cache.
    for cookie in ("__ac", "auth_pas_oidc"):
        with_cookie = requests.get(
            f"{url}/public-page", cookies={cookie: "someone"}, timeout=60
        )
        assert with_cookie.headers["X-Cache"] == "MISS", cookie

    # Editing the page purges it: the next visitor sees the edit at once
    # (the page would otherwise stay cached for an hour).
    edited = admin.patch(
        f"{url}/public-page", json={"title": "After the edit"}, timeout=60
    )
    assert edited.status_code == 204, edited.text
    fresh = wait_for(
        lambda: (
            (r := anonymous_get(f"{url}/public-page")) and "After the edit" in r.text
        )
    )
    assert fresh, "the edited page was not purged from Varnish"
    assert anonymous_get(f"{url}/public-page").headers["X-Cache"] == "HIT"

    # Deleting it purges it too: gone for the next visitor.
    deleted = admin.delete(f"{url}/public-page", timeout=60)
    assert deleted.status_code == 204, deleted.text
    gone = wait_for(lambda: anonymous_get(f"{url}/public-page").status_code == 404)
    assert gone, "the deleted page was still served from Varnish"

    # A case: never from the cache, for its readers or for anyone else.
    area = admin.post(
        f"{url}/network",
        json={
            "@type": "ExpertiseArea",
            "id": "bladder",
            "title": "Bladder anomalies",
            "workstream": "Paediatric urology",
        },
        timeout=60,
    )
    assert area.status_code == 201, area.text
    hcp = admin.post(
        f"{url}/network",
        json={
            "@type": "HealthcareProvider",
            "id": "graz",
            "title": "Test University Hospital",
            "country": "AT",
            "city": "Graz",
            "expertise_areas": [area.json()["UID"]],
        },
        timeout=60,
    )
    assert hcp.status_code == 201, hcp.text
    case = admin.post(
        f"{url}/cases",
        json={
            "@type": "Case",
            "nickname": "Blue Heron",
            "sex": "female",
            "year_of_birth": 2019,
            "referring_hcp": "graz",
            "referring_clinician": "admin",
            "expertise_area": "bladder",
            "clinical_summary": "Recurrent urinary tract infections.",
            "clinical_question": "Is surgery indicated now or later?",
        },
        timeout=60,
    )
    assert case.status_code == 201, case.text
    case_url = case.json()["@id"]
    for _ in range(3):
        page = admin.get(case_url, headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 200
        assert page.headers["X-Cache"] == "MISS"
        assert "no-store" in page.headers["Cache-Control"]
        refused = anonymous_get(case_url)
        assert refused.headers["X-Cache"] == "MISS"
        assert "Blue Heron" not in refused.text
