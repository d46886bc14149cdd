"""How much each ZODB connection of a rendered instance may keep in memory:
read back from zope.conf as Zope reads it, for both storages."""

import os
import subprocess

import pytest
from Zope2.Startup.options import ZopeWSGIOptions

from tests.deployment.processes import ROOT
from tests.deployment.processes import VENV_BIN

DSN = "dbname=cpms host=127.0.0.1 port=5433 user=cpms"


def render(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(tmp_path / "etc"),
        "CPMS_DATA_DIR": str(tmp_path / "var"),
        "CPMS_RELSTORAGE_DSN": DSN,
        **env,
    }
    return subprocess.run(
        [VENV_BIN / "python", ROOT / "scripts" / "render_instance.py"],
        env=environ,
        capture_output=True,
        text=True,
    )


def database(tmp_path):
    options = ZopeWSGIOptions(str(tmp_path / "etc" / "zope.conf"))()
    (db,) = options.configroot.databases
    return db.config


@pytest.mark.parametrize("storage", ["filestorage", "relstorage"])
def test_default_keeps_30000_objects_and_no_byte_limit(tmp_path, storage):
    assert render(tmp_path, CPMS_STORAGE=storage).returncode == 0
    config = database(tmp_path)
    assert (config.cache_size, config.cache_size_bytes) == (30000, 0)


@pytest.mark.parametrize("storage", ["filestorage", "relstorage"])
def test_a_cap_in_mb_reaches_each_connection(tmp_path, storage):
    done = render(
        tmp_path,
        CPMS_STORAGE=storage,
        CPMS_ZODB_CACHE_MB="96",
        CPMS_ZODB_CACHE_OBJECTS="5000",
    )
    assert done.returncode == 0, done.stderr
    config = database(tmp_path)
    assert (config.cache_size, config.cache_size_bytes) == (5000, 96 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "value"),
    [("CPMS_ZODB_CACHE_MB", "lots"), ("CPMS_ZODB_CACHE_OBJECTS", "0")],
)
def test_a_bad_value_is_refused_naming_the_variable(tmp_path, name, value):
    done = render(tmp_path, **{name: value})
    assert done.returncode != 0
    assert name in done.stderr and repr(value) in done.stderr
