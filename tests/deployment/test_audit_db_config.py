"""Where a rendered instance keeps the access audit: a SQLite file in the data
directory by default, the RelStorage PostgreSQL database with
CPMS_STORAGE=relstorage; read back from zope.conf as Zope reads it."""

import os

import pytest
from Zope2.Startup.options import ZopeWSGIOptions

from cpms.core import auditstore
from tests.deployment.processes import ROOT
from tests.deployment.processes import VENV_BIN
from tests.deployment.processes import run

DSN = "dbname=cpms host=127.0.0.1 port=5433 user=cpms password=s3cret-Pw_x"


def audit_db(tmp_path, **env) -> str:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(tmp_path / "etc"),
        "CPMS_DATA_DIR": str(tmp_path / "var"),
        **env,
    }
    run([VENV_BIN / "python", ROOT / "scripts" / "render_instance.py"], env=environ)
    # As runwsgi reads it (Zope's schema, its conditional imports).
    options = ZopeWSGIOptions(str(tmp_path / "etc" / "zope.conf"))()
    return options.configroot.product_config["cpms"]["audit-db"]


def test_relstorage_puts_the_audit_in_the_postgresql_database(tmp_path):
    value = audit_db(tmp_path, CPMS_STORAGE="relstorage", CPMS_RELSTORAGE_DSN=DSN)
    assert value == DSN
    # What the store makes of it (no connection is opened yet).
    engine = auditstore._make_engine(value)
    assert engine.dialect.name == "postgresql" and engine.driver == "psycopg2"
    engine.dispose()


def test_the_embedded_default_is_a_sqlite_file_in_the_data_directory(tmp_path):
    value = audit_db(tmp_path, CPMS_STORAGE="filestorage")
    assert value == f"sqlite:///{(tmp_path / 'var').resolve()}/audit.sqlite"


@pytest.mark.parametrize("storage", ["filestorage", "relstorage"])
def test_cpms_audit_db_wins(tmp_path, storage):
    url = "postgresql+psycopg2://audit@db.example.org/audit"
    value = audit_db(
        tmp_path,
        CPMS_STORAGE=storage,
        CPMS_RELSTORAGE_DSN=DSN,
        CPMS_AUDIT_DB=url,
    )
    assert value == url
