"""pytest-plone fixtures over the add-on's plone.app.testing layers.

Fixtures: ``integration``/``functional`` (the add-on installed) and
``demo_integration``/``demo_functional`` (plus the demo profile); pytest-plone
adds ``portal``, ``http_request``, ``installer``, ``setup_tool`` and friends.
"""

import pytest
from plone.testing.zope import STARTUP
from pytest_plone import fixtures_factory

from cpms.core import auditstore
from cpms.testing import CPMS_DEMO_FIXTURE
from cpms.testing import CPMS_FIXTURE
from cpms.testing import DEMO_FUNCTIONAL_TESTING
from cpms.testing import DEMO_INTEGRATION_TESTING
from cpms.testing import FUNCTIONAL_TESTING
from cpms.testing import INTEGRATION_TESTING
from tests.helpers.smtp import SMTPServer

pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
            (DEMO_FUNCTIONAL_TESTING, "demo_functional"),
            (DEMO_INTEGRATION_TESTING, "demo_integration"),
        )
    )
)


# pytest-plone keeps every layer set up for the whole session, side by side.
# plone.testing expects one branch at a time: the layers share one stack of
# databases (the ``zodbDB`` resource of STARTUP), and Zope's app, which
# integration tests and the WSGI server use, is the top of that stack: the
# layer set up last. Without this, plain tests saw the demo content, or demo
# tests saw none, depending on which layer pytest happened to set up last.
_SANDBOX_OF_FIXTURE = {
    "demo_integration": CPMS_DEMO_FIXTURE,
    "demo_functional": CPMS_DEMO_FIXTURE,
    "integration": CPMS_FIXTURE,
    "functional": CPMS_FIXTURE,
}


@pytest.fixture(autouse=True)
def _database_of_the_test_layer(request):
    """Put the database of the test's own layer on top for the test."""
    stack = STARTUP._resources["zodbDB"]
    original = list(stack)
    for name, sandbox in _SANDBOX_OF_FIXTURE.items():
        if name in request.fixturenames:
            for index, (_db, layer) in enumerate(stack):
                if layer is sandbox:
                    stack.append(stack.pop(index))
                    break
            break
    yield
    stack[:] = original


@pytest.fixture(autouse=True)
def _audit_store_of_the_test():
    """Leave the access audit's store as the test found it.

    The store is a database beside the ZODB (a SQLite file per test session),
    so the layers' per-test rollback does not reach it: without this, records
    a test made (case ids are handed out again in the next test) showed up in
    the next test's audit. Records appended by the test go; records a
    rotation moved to the archive come back; the chain's head and anchor are
    restored.
    """
    if auditstore.url() is None:
        yield
        return
    with auditstore.engine().connect() as conn:
        chain = [dict(r) for r in conn.execute(auditstore.chain.select()).mappings()]
        archived = [
            dict(r) for r in conn.execute(auditstore.archive.select()).mappings()
        ]
    (head,) = [row for row in chain if row["name"] == "head"]
    yield
    if auditstore.url() is None:
        return
    with auditstore.engine().begin() as conn:
        after = [dict(r) for r in conn.execute(auditstore.chain.select()).mappings()]
        moved = [dict(r) for r in conn.execute(auditstore.archive.select()).mappings()]
        if after == chain and len(moved) == len(archived):
            return
        conn.execute(
            auditstore.records.delete().where(
                auditstore.records.c.id > head["record_id"]
            )
        )
        back = [
            row
            for row in moved
            if row["id"] <= head["record_id"] and row not in archived
        ]
        if back:
            conn.execute(
                auditstore.archive.delete().where(
                    auditstore.archive.c.id.in_([row["id"] for row in back])
                )
            )
            conn.execute(auditstore.records.insert(), back)
        conn.execute(auditstore.chain.delete())
        conn.execute(auditstore.chain.insert(), chain)


@pytest.fixture
def demo_portal(demo_integration):
    """The portal of the demo layer (the add-on plus the demo profile)."""
    return demo_integration["portal"]


@pytest.fixture
def demo_functional_portal(demo_functional):
    return demo_functional["portal"]


@pytest.fixture
def smtp_server(tmp_path):
    """A real aiosmtpd process on a free loopback port (see tests/helpers/smtp.py)."""
    server = SMTPServer(tmp_path / "maildir").start()
    yield server
    server.stop()
