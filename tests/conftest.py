"""pytest-plone fixtures over the add-on's plone.app.testing layers.

Fixtures: ``integration``/``functional`` (the add-on installed) and
``demo_integration``/``demo_functional`` (plus the demo profile); pytest-plone
adds ``portal``, ``http_request``, ``installer``, ``setup_tool`` and friends.
"""

import pytest
from pytest_plone import fixtures_factory

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
