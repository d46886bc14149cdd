"""A real Zope instance rendered from instance/templates/, for the fault tests.

The demo site is created once per test session (it takes a minute) and each
test gets a copy of its Data.fs and blobs, or loads it into a RelStorage
database with `zodbconvert`.
"""

import os
import secrets
import shutil
from pathlib import Path

from tests.deployment.processes import ROOT
from tests.deployment.processes import VENV_BIN
from tests.deployment.processes import Server
from tests.deployment.processes import free_port
from tests.deployment.processes import run

ADMIN_PASSWORD = secrets.token_urlsafe(12)
DEMO_PASSWORD = "cpms-demo-2026"
_template: Path | None = None


class Instance:
    """One Zope process: its configuration in `dir`/etc, its data in `dir`/var."""

    def __init__(self, dir: Path, *, storage="filestorage", dsn="", **limits):
        self.dir = dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/cpms"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
            "CPMS_STORAGE": storage,
            "CPMS_RELSTORAGE_DSN": dsn,
            "CPMS_INSTANCE_ETC": str(dir / "etc"),
            "CPMS_DATA_DIR": str(dir / "var"),
            "CPMS_PORT": str(self.port),
            "CPMS_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **{f"CPMS_{name.upper()}": str(value) for name, value in limits.items()},
        }
        run(
            [VENV_BIN / "python", ROOT / "scripts" / "render_instance.py"], env=self.env
        )
        self.conf = dir / "etc" / "zope.conf"
        self.server = Server(
            [VENV_BIN / "runwsgi", dir / "etc" / "zope.ini"], dir / "console.log"
        )

    def create_site(self, demo=True):
        out = run(
            [VENV_BIN / "zconsole", "run", self.conf, ROOT / "scripts/create_site.py"],
            env={**self.env, "CPMS_DEMO": "1" if demo else "0"},
        )
        assert "Created site /cpms" in out or "exists" in out, out

    def start(self):
        self.server.start()
        self.server.wait_until_serving(self.url)
        return self

    def stop(self):
        return self.server.stop()


def demo_template(tmp_path_factory) -> Path:
    """The var/ of a FileStorage instance holding the demo site (made once)."""
    global _template
    if _template is None:
        instance = Instance(tmp_path_factory.mktemp("demo-template"))
        instance.create_site(demo=True)
        _template = instance.dir / "var"
    return _template


def copy_template(template: Path, dir: Path):
    """Data.fs and blobs of the template into `dir`/var (before rendering)."""
    for sub in ("filestorage", "blobstorage"):
        shutil.copytree(template / sub, dir / "var" / sub, dirs_exist_ok=True)
    for leftover in ("Data.fs.lock", "Data.fs.tmp"):
        (dir / "var" / "filestorage" / leftover).unlink(missing_ok=True)


def load_into_relstorage(template: Path, dsn: str, dir: Path):
    """Copy the template's database, blobs included, into RelStorage."""
    config = dir / "zodbconvert.conf"
    config.write_text(
        f"""%import relstorage
<blobstorage source>
  blob-dir {template / "blobstorage"}
  <filestorage>
    path {template / "filestorage" / "Data.fs"}
    read-only true
  </filestorage>
</blobstorage>
<relstorage destination>
  keep-history false
  shared-blob-dir false
  blob-dir {dir / "zodbconvert-blobcache"}
  <postgresql>
    dsn {dsn}
  </postgresql>
</relstorage>
"""
    )
    run([VENV_BIN / "zodbconvert", config], timeout=300)
