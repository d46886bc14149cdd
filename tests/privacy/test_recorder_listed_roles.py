"""A listing that names cases is recorded with the user's roles on each case
as the case itself would give them, read from the catalog: global roles,
roles through a group, and the case's own local roles."""

import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.testing.zope import Browser

from cpms.core import audit
from cpms.core import auditstore
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.core.roles import REVIEWER
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import make_user
from tests.helpers.cases import make_case
from tests.helpers.network import make_test_network
from tests.helpers.wakeups import WakeUps
from tests.helpers.wakeups import ghosts


def test_listed_cases_are_recorded_with_the_roles_the_cases_give(
    functional_portal, monkeypatch
):
    portal = functional_portal
    make_user("hpclin")
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        # A global role held through a group.
        api.group.create(groupname="reviewers-x", roles=[REVIEWER])
        api.group.add_user(groupname="reviewers-x", username="hpclin")
        api.group.create(groupname="panel-x")
        api.group.add_user(groupname="panel-x", username="hpclin")
    with api.env.adopt_roles(["Manager"]):
        network = make_test_network(portal)
        led = make_case(portal, network=network, nickname="Led case")
        member = make_case(portal, network=network, nickname="Member case")
        grouped = make_case(portal, network=network, nickname="Group case")
    led.manage_setLocalRoles("hpclin", [PANEL_LEAD])
    member.manage_setLocalRoles("hpclin", [PANEL_MEMBER])
    # A role on a case held through a group, as granted before cases took
    # roles for people only (cpms.cases.sharing).
    grouped.__ac_local_roles__["panel-x"] = [PANEL_MEMBER]
    grouped._p_changed = True
    cases = (led, member, grouped)
    for case in cases:
        case.reindexObject()
        case.reindexObjectSecurity()
    transaction.commit()
    ghosts(portal)
    wakeups = WakeUps(monkeypatch)

    browser = Browser(portal.aq_parent)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic hpclin:{PASSWORD}")
    browser.open(f"{portal.absolute_url()}/@@my-cases")

    assert "Group case" in browser.contents
    assert wakeups.content() == [], "recording the listing woke cases"
    transaction.begin()
    user = portal.acl_users.getUserById("hpclin")
    for case in cases:
        found, _ = auditstore.search(
            case_uid=case.UID(), user="hpclin", action="search"
        )
        assert [r["item"] for r in found] == ["/plone/@@my-cases"]
        woken = ",".join(audit.roles_on(user, case))
        assert found[0]["roles"] == woken, case.nickname
    assert REVIEWER in found[0]["roles"].split(",")
    assert PANEL_MEMBER in found[0]["roles"].split(",")
