"""The researcher's row of the case permission matrix: in every state of a
case, nothing of it or its items (the leak walk asks every read path of a
case in discussion; this asks the permissions in each state)."""

import pytest
from plone import api

from cpms.cases import states
from cpms.core import permissions
from tests.security.helpers import build_case
from tests.security.helpers import create_outsiders
from tests.security.helpers import outsider
from tests.security.helpers import userid

CHECKED = (
    permissions.VIEW,
    permissions.ACCESS_CONTENTS_INFORMATION,
    permissions.MODIFY_PORTAL_CONTENT,
    permissions.ADD_CONTRIBUTION,
    permissions.MANAGE_CASE,
    permissions.EXPORT_CASE_DATA,
)


@pytest.mark.parametrize(
    "state",
    [
        states.DRAFT,
        states.SUBMITTED,
        states.IN_DISCUSSION,
        states.CLOSED,
        states.ARCHIVED,
        states.WITHDRAWN,
    ],
)
def test_the_researcher_may_do_nothing_on_a_case(portal, state):
    case = build_case(portal, state)
    create_outsiders()
    researcher = outsider("researcher")
    found = []
    for obj in (case, *case.objectValues()):
        for permission in CHECKED:
            if api.user.has_permission(permission, username=researcher, obj=obj):
                found.append((obj.portal_type, permission))
    assert found == []
    # The case's owner may view it: the check can fail.
    assert api.user.has_permission(permissions.VIEW, username=userid("owner"), obj=case)
    assert api.user.has_permission(
        permissions.VIEW_STATISTICS, username=researcher, obj=portal
    )
