"""Two Zope processes share one RelStorage database on a real PostgreSQL.

The same code as `make start`, another zope.conf (CPMS_STORAGE=relstorage):
what one process writes, blob included, the other one serves.  Each process
has its own data directory (logs, blob cache), as on separate machines, so a
blob served by the second one can only have come from the database.
"""

import base64
import os
import secrets
import signal

import pytest
import requests

from tests.deployment.processes import ROOT
from tests.deployment.processes import VENV_BIN
from tests.deployment.processes import PostgresServer
from tests.deployment.processes import Server
from tests.deployment.processes import free_port
from tests.deployment.processes import run

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


def render_node(tmp_path, name, dsn, port):
    """instance/etc-like configuration of one Zope process, in tmp_path/name."""
    node = tmp_path / name
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_STORAGE": "relstorage",
        "CPMS_RELSTORAGE_DSN": dsn,
        "CPMS_INSTANCE_ETC": str(node / "etc"),
        "CPMS_DATA_DIR": str(node / "var"),
        "CPMS_PORT": str(port),
    }
    run([VENV_BIN / "python", ROOT / "scripts" / "render_instance.py"], env=env)
    conf = (node / "etc" / "zope.conf").read_text()
    assert "<relstorage>" in conf and "shared-blob-dir false" in conf
    return node, env


def test_two_zopes_share_one_postgresql_database(tmp_path, postgres):
    dsn = postgres.create_database("cpms")
    password = secrets.token_urlsafe(12)
    ports = free_port(), free_port()
    (node1, env1), (node2, _env2) = (
        render_node(tmp_path, f"node{i + 1}", dsn, port) for i, port in enumerate(ports)
    )
    created = run(
        [
            VENV_BIN / "zconsole",
            "run",
            node1 / "etc/zope.conf",
            ROOT / "scripts/create_site.py",
        ],
        env={**env1, "CPMS_ADMIN_PASSWORD": password, "CPMS_DEMO": "0"},
    )
    assert "Created site /cpms" in created

    zopes = [
        Server([VENV_BIN / "runwsgi", node / "etc/zope.ini"], node / "console.log")
        for node in (node1, node2)
    ]
    one, two = (f"http://127.0.0.1:{port}/cpms" for port in ports)
    try:
        for zope in zopes:
            zope.start()
        for zope, url in zip(zopes, (one, two), strict=True):
            zope.wait_until_serving(url)

        api = requests.Session()
        api.auth = ("admin", password)
        api.headers["Accept"] = "application/json"

        # Write through the first process: a page and a file (a blob).
        payload = secrets.token_bytes(200_000)
        page = api.post(
            one,
            json={"@type": "Document", "id": "shared-page", "title": "Written on one"},
            timeout=60,
        )
        assert page.status_code == 201, page.text
        upload = api.post(
            one,
            json={
                "@type": "File",
                "id": "shared-file",
                "title": "A blob",
                "file": {
                    "data": base64.b64encode(payload).decode(),
                    "encoding": "base64",
                    "filename": "payload.bin",
                    "content-type": "application/octet-stream",
                },
            },
            timeout=60,
        )
        assert upload.status_code == 201, upload.text

        # Read through the second process.
        seen = api.get(f"{two}/shared-page", timeout=60)
        assert seen.status_code == 200 and seen.json()["title"] == "Written on one"
        download = api.get(f"{two}/shared-file/@@download/file", timeout=60)
        assert download.status_code == 200
        assert download.content == payload
        # The second process fetched the blob from PostgreSQL into its own cache.
        assert any(p.is_file() for p in (node2 / "var" / "blobcache").rglob("*.blob"))
        assert not (node1 / "var" / "blobstorage").joinpath("Data.fs").exists()

        # And the other way round: an edit on the second shows on the first.
        edit = api.patch(
            f"{two}/shared-page", json={"title": "Edited on two"}, timeout=60
        )
        assert edit.status_code == 204, edit.text
        assert api.get(f"{one}/shared-page", timeout=60).json()["title"] == (
            "Edited on two"
        )
    finally:
        codes = [zope.stop() for zope in zopes]
    assert all(code in (0, -signal.SIGTERM) for code in codes), [
        zope.output() for zope in zopes
    ]
