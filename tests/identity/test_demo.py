"""The identity part of the demo: a newcomer's request waits in the queue."""

from plone import api

from cpms.core.roles import HEALTHCARE_PROFESSIONAL
from cpms.identity.access_requests import pending_requests


def test_demo_newcomer_request_is_pending(demo_portal):
    (request,) = [r for r in pending_requests() if r.requester == "newcomer"]
    assert request.provider_title() == "Hôpital Saint-Fiacre (demo)"
    assert "demo" in request.Subject()
    assert dict(request.get_local_roles()) == {"newcomer": ("Owner",)}
    assert HEALTHCARE_PROFESSIONAL not in api.user.get_roles(username="newcomer")
