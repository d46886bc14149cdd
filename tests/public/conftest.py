"""HTTP sessions against the demo functional server (a real WSGI port)."""

import pytest
from pytest_plone.fixtures.requests import RelativeSession

from cpms.demo import DEMO_PASSWORD


@pytest.fixture
def demo_http(demo_functional_portal):
    """Factory: ``demo_http(user=None, api=False)`` -> a requests session.

    ``user`` is a demo user id (password DEMO_PASSWORD); ``None`` is anonymous.
    With ``api=True`` paths go to plone.restapi (``++api++``).
    """
    sessions = []

    def factory(user: str | None = None, api: bool = False) -> RelativeSession:
        url = demo_functional_portal.absolute_url()
        session = RelativeSession(f"{url}/++api++" if api else url)
        if api:
            session.headers["Accept"] = "application/json"
        if user:
            session.auth = (user, DEMO_PASSWORD)
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        session.close()
