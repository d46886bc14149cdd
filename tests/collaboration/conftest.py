"""Helpers of the panel collaboration tests: users, a case, REST sessions."""

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pytest_plone.fixtures.requests import RelativeSession

from cpms.cases import states
from cpms.core.roles import HEALTHCARE_PROFESSIONAL

PASSWORD = "secret-pass-123"


def make_user(userid, roles=("Member", HEALTHCARE_PROFESSIONAL), fullname=None):
    if api.user.get(userid=userid) is None:
        with api.env.adopt_user(username=SITE_OWNER_NAME):
            api.user.create(
                username=userid,
                email=f"{userid}@example.invalid",
                password=PASSWORD,
                roles=list(roles),
                properties={"fullname": fullname or userid.title()},
            )
    return userid


def make_network(portal, area_title="Skeletal dysplasias", provider_id="hcp-test"):
    """An expertise area and a provider covering it (created as the site owner)."""
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        area = api.content.create(
            container=portal["network"],
            type="ExpertiseArea",
            title=area_title,
            workstream="Bone",
        )
        provider = api.content.create(
            container=portal["network"],
            type="HealthcareProvider",
            id=provider_id,
            title=f"{provider_id} University Hospital",
            country="AT",
            city="Graz",
            expertise_areas=[area.UID()],
        )
    return area, provider


def make_case(portal, nickname="Blue Heron", owner=None, **fields):
    from cpms.cases.case_id import create_case

    area = api.content.find(portal_type="ExpertiseArea")
    if area:
        area = area[0].getObject()
        provider = api.content.find(portal_type="HealthcareProvider")[0].getObject()
    else:
        area, provider = make_network(portal)
    data = {
        "nickname": nickname,
        "sex": "female",
        "year_of_birth": 2015,
        "referring_hcp": provider.UID(),
        "referring_clinician": owner or "nobody",
        "urgent": False,
        "expertise_area": area.UID(),
        "clinical_summary": "Synthetic summary: not to appear in any mail.",
        "clinical_question": "Synthetic question: not to appear in any mail.",
    } | fields
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        case = create_case(portal["cases"], **data)
    # The creator (the site owner here) is not one of the case's people.
    case.manage_delLocalRoles([SITE_OWNER_NAME])
    case.reindexObjectSecurity()
    if owner:
        case.manage_setLocalRoles(owner, ["Owner"])
        case.reindexObjectSecurity()
        case.reindexObject()
    return case


def set_state(obj, state, workflow=states.CASE_WORKFLOW_ID):
    """Put an object in a workflow state directly (tests only: no guards)."""
    from DateTime import DateTime

    wf_tool = api.portal.get_tool("portal_workflow")
    wf_tool.setStatusOf(
        workflow,
        obj,
        {
            "action": f"test_{state}",
            "review_state": state,
            "actor": "test",
            "comments": "",
            "time": DateTime(),
        },
    )
    wf_tool.getWorkflowById(workflow).updateRoleMappingsFor(obj)
    obj.reindexObjectSecurity()
    obj.reindexObject()


def rest_session(portal, user=SITE_OWNER_NAME, password=SITE_OWNER_PASSWORD):
    session = RelativeSession(f"{portal.absolute_url()}/")
    session.headers.update({"Accept": "application/json"})
    session.auth = (user, password)
    return session


@pytest.fixture
def rest(functional_portal):
    """rest(user) -> a requests session on the functional server as ``user``."""
    sessions = []

    def factory(user=SITE_OWNER_NAME, password=None):
        if password is None:
            password = SITE_OWNER_PASSWORD if user == SITE_OWNER_NAME else PASSWORD
        session = rest_session(functional_portal, user, password)
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        session.close()


def commit():
    transaction.commit()
