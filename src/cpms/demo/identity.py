"""Demo of identity and access: a newcomer whose access request waits.

Coordinators of a demo site so find one request in their queue
(``@@access-requests-queue``).  The newcomer logs in with the demo password.
"""

from plone import api

from cpms.core.roles import MEMBER
from cpms.demo import DEMO_PASSWORD
from cpms.demo import DEMO_TAG
from cpms.identity.access_requests import create_access_request
from cpms.identity.access_requests import requests_of

NEWCOMER = "newcomer"
PROVIDER_ID = "hopital-saint-fiacre"


def build_access_requests(portal):
    network = portal.get("network")
    provider = network.get(PROVIDER_ID) if network is not None else None
    if provider is None or "access-requests" not in portal.objectIds():
        return  # the demo network comes first (BUILDERS order)
    if api.user.get(userid=NEWCOMER) is None:
        api.user.create(
            username=NEWCOMER,
            email=f"{NEWCOMER}@demo.invalid",
            password=DEMO_PASSWORD,
            roles=[MEMBER],
            properties={"fullname": "Nora Newcomer (demo)"},
        )
    if requests_of(NEWCOMER):
        return
    request = create_access_request(
        {
            "healthcare_provider": provider.UID(),
            "profile": "healthcare-professional",
            "justification": "Paediatric urologist joining the Lyon team (demo).",
        },
        userid=NEWCOMER,
    )
    request.setSubject([DEMO_TAG])
    request.reindexObject()
