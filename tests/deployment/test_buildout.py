"""buildout.cfg builds a working instance of the same portal from the same pins.

The buildout runs into a temporary directory; what is slow to redo is kept in
the repository's git-ignored buildout-venv/, wheelhouse/ and eggs/ (made by
`make buildout-tools`, the same step `make buildout` uses), so only the first
run on a machine downloads anything.
"""

import os
import re
import secrets
import signal

import pytest
import requests

from tests.deployment.processes import ROOT
from tests.deployment.processes import Server
from tests.deployment.processes import exclusive_lock
from tests.deployment.processes import free_port
from tests.deployment.processes import run

pytestmark = pytest.mark.slow


def buildout_cfg(directory, port, password):
    wheelhouse = ROOT / "wheelhouse"
    (directory / "buildout.cfg").write_text(
        f"""\
[buildout]
extends = {ROOT / "buildout.cfg"}
develop = {ROOT}
eggs-directory = {ROOT / "eggs"}
index = {wheelhouse}
find-links = {wheelhouse}

[settings]
http-address = 127.0.0.1:{port}
admin-password = {password}
"""
    )


def test_buildout_instance_serves_the_portal(tmp_path):
    port, password = free_port(), secrets.token_urlsafe(12)
    buildout_cfg(tmp_path, port, password)
    # Test runs side by side share buildout-venv/, wheelhouse/ and eggs/.
    with exclusive_lock(ROOT / "eggs" / ".test-lock"):
        run(["make", "-C", ROOT, "--no-print-directory", "buildout-tools"], timeout=900)
        output = run(
            [ROOT / "buildout-venv/bin/buildout", "-c", tmp_path / "buildout.cfg"],
            cwd=tmp_path,
            timeout=900,
        )
    assert "Generated script" in output and "bin/instance" in output
    instance = tmp_path / "bin" / "instance"
    # The instance runs the pinned Plone and the working tree's add-on.
    script = instance.read_text()
    assert "Products.CMFPlone-6.2.2-" in script
    assert str(ROOT / "src") in script

    env = {"CPMS_ADMIN_PASSWORD": password, "CPMS_DEMO": "0"}
    created = run(
        [instance, "run", ROOT / "scripts" / "create_site.py"],
        cwd=tmp_path,
        env={**_clean_env(), **env},
    )
    assert "Created site /cpms" in created

    zope = Server([instance, "console"], tmp_path / "console.log", cwd=tmp_path)
    try:
        zope.start()
        page = zope.wait_until_serving(f"http://127.0.0.1:{port}/cpms")
        assert re.search(r"<title>\s*CPMS portal\s*</title>", page.text)
        # The admin of the buildout's `user` option, password from the
        # environment, can use the REST API of the site.
        site = requests.get(
            f"http://127.0.0.1:{port}/cpms",
            headers={"Accept": "application/json"},
            auth=("admin", password),
            timeout=30,
        )
        assert site.status_code == 200
        assert site.json()["title"] == "CPMS portal"
    finally:
        code = zope.stop()
    # SIGTERM ends waitress at once; only a hang would need SIGKILL.
    assert code in (0, -signal.SIGTERM), zope.output()


def _clean_env():
    # The instance must not see the test run's own Zope/Plone settings.
    return {k: v for k, v in os.environ.items() if not k.startswith("CPMS_")}
