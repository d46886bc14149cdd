"""The panel page (@@panel) as a coordinator, a lead and a member use it:
zope.testbrowser against the functional layer, plone.protect on (every form
carries its authenticator), mails read from a real SMTP server."""

import re
from datetime import date
from datetime import timedelta

import pytest
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.protect.authenticator import createToken
from plone.testing.zope import Browser
from zExceptions import Forbidden

from cpms.cases import states
from cpms.core.i18n import format_date
from cpms.core.roles import COORDINATOR
from cpms.core.roles import GUEST_CLINICIAN
from cpms.core.roles import MEMBER
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.identity import guests
from tests.collaboration.conftest import PASSWORD
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_network
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state


@pytest.fixture
def browser_for(functional):
    app = functional["app"]

    def factory(userid):
        browser = Browser(app)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {userid}:{PASSWORD}")
        return browser

    return factory


def _network(portal):
    """Two areas; Graz covers the bone area (Anna, Bert), Lyon the kidney area
    (Dirk); the case is a bone case."""
    bone, graz = make_network(
        portal, area_title="Skeletal dysplasias", provider_id="graz"
    )
    kidney, lyon = make_network(portal, area_title="Kidney", provider_id="lyon")
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        for provider, users in ((graz, ("anna", "bert")), (lyon, ("dirk",))):
            api.group.create(groupname=f"hcp-{provider.getId()}")
            for userid in users:
                make_user(userid, fullname=f"Dr {userid.title()} Expert")
                api.group.add_user(groupname=f"hcp-{provider.getId()}", username=userid)
    make_user("coord", roles=(MEMBER, COORDINATOR), fullname="Cora Coordinator")
    make_user("gus", roles=(MEMBER,), fullname="Gus Outside")
    return bone, kidney, graz


def _case(portal, state=states.SUBMITTED):
    bone, kidney, graz = _network(portal)
    case = make_case(
        portal,
        nickname="Blue Heron",
        expertise_area=bone.UID(),
        referring_hcp=graz.UID(),
    )
    set_state(case, state)
    return case, bone, kidney, graz


def _form(browser, action, userid=None):
    """The page's form for ``action`` (and ``userid``)."""
    for form_index in range(50):
        try:
            form = browser.getForm(index=form_index)
        except IndexError:
            break
        controls = {c.name: c.value for c in form.controls if getattr(c, "name", None)}
        if controls.get("action") != action:
            continue
        if userid is not None and controls.get("userid") != userid:
            continue
        return form
    raise AssertionError(f"no {action} form for {userid}")


def _submit(browser, action, userid=None):
    _form(browser, action, userid).submit()


def _text(browser):
    """The page's text as a reader gets it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", browser.contents).split())


def test_coordinator_assembles_the_panel_and_each_person_is_mailed(
    functional_portal, smtp_server, browser_for
):
    smtp_server.connect(functional_portal)
    case, bone, kidney, graz = _case(functional_portal)
    transaction.commit()
    url = f"{case.absolute_url()}/@@panel"
    coordinator = browser_for("coord")
    coordinator.open(url)
    assert f"Panel of case {case.case_id} (Blue Heron)" in _text(coordinator)
    assert "This panel has no lead yet." in _text(coordinator)
    # The whole-area invitation defaults to the case's own expertise area.
    assert coordinator.getControl(name="expertise_area").value == [bone.UID()]

    # Search by name: one result; by centre and by expertise area: its experts.
    coordinator.getControl(name="q").value = "anna"
    coordinator.getControl(name="search").click()
    assert "1 found." in _text(coordinator)
    assert "Dr Anna Expert" in coordinator.contents
    assert "Dr Bert Expert" not in coordinator.contents
    coordinator.open(f"{url}?centre={graz.UID()}&search=1")
    assert "2 found." in _text(coordinator)
    coordinator.open(f"{url}?area={kidney.UID()}&search=1")
    assert "Dr Dirk Expert" in coordinator.contents
    assert "Dr Anna Expert" not in coordinator.contents
    coordinator.open(f"{url}?q=graz&search=1")  # a centre's name finds its people
    assert "2 found." in _text(coordinator)

    # Appoint the lead from the search results.
    smtp_server.clear()
    coordinator.open(f"{url}?q=anna&search=1")
    _submit(coordinator, "appoint_lead", "anna")
    assert coordinator.url.endswith("/@@panel")  # redirected: a reload repeats nothing
    assert "Dr Anna Expert now leads the panel and was told by mail." in _text(
        coordinator
    )
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "anna@example.invalid"
    assert f"You lead the panel of case {case.case_id} (Blue Heron)" in mail["Subject"]
    assert "Cora Coordinator appointed you lead" in mail.get_content()
    assert "Synthetic" not in mail.as_string()

    # Invite one expert of another centre.
    smtp_server.clear()
    coordinator.open(f"{url}?q=dirk&search=1")
    _submit(coordinator, "invite", "dirk")
    assert "1 expert(s) invited. Each was told by mail: Dr Dirk Expert." in _text(
        coordinator
    )
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "dirk@example.invalid"
    assert "Invitation to the panel of case" in mail["Subject"]

    # The whole expertise area: Bert (Anna already leads).
    smtp_server.clear()
    _submit(coordinator, "invite_area")
    assert "1 expert(s) invited. Each was told by mail: Dr Bert Expert." in (
        _text(coordinator)
    )
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "bert@example.invalid"

    # A new lead: the former one stays as a member, both are told.
    smtp_server.clear()
    _submit(coordinator, "appoint_lead", "dirk")
    assert (
        "Dr Dirk Expert now leads the panel; Dr Anna Expert stays on it as a member."
        in _text(coordinator)
    )
    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    assert "You lead the panel" in mails["dirk@example.invalid"]["Subject"]
    replaced = mails["anna@example.invalid"]
    assert "New lead for the panel of case" in replaced["Subject"]
    assert "appointed Dr Dirk Expert lead" in replaced.get_content()
    assert "You stay a member of the panel." in replaced.get_content()

    # A guest with a visible end date.
    smtp_server.clear()
    until = date.today() + timedelta(days=20)
    coordinator.getControl(name="guest").value = "gus@example.invalid"
    coordinator.getControl(name="until").value = until.isoformat()
    _submit(coordinator, "add_guest")
    assert (
        f"Gus Outside may work on this case as a guest clinician until "
        f"{format_date(until, 'en')}" in _text(coordinator)
    )
    assert f"Guest access until {format_date(until, 'en')}" in _text(coordinator)
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "gus@example.invalid"
    assert f"Guest access to case {case.case_id} (Blue Heron)" in mail["Subject"]
    assert f"until {format_date(until, 'en')}" in mail.get_content()

    # Its end date is editable on the page.
    smtp_server.clear()
    later = until + timedelta(days=10)
    form = _form(coordinator, "change_guest", "gus")
    form.getControl(name="until").value = later.isoformat()
    form.submit()
    assert f"now ends on {format_date(later, 'en')}" in _text(coordinator)
    assert f"Guest access until {format_date(later, 'en')}" in _text(coordinator)
    (mail,) = smtp_server.wait_for(1)
    assert f"now ends on {format_date(later, 'en')}" in mail.get_content()

    transaction.begin()
    roles = {p["userid"]: p["roles"] for p in panel_of(case)}
    assert roles == {
        "dirk": [PANEL_LEAD],
        "anna": [PANEL_MEMBER],
        "bert": [PANEL_MEMBER],
        "gus": [GUEST_CLINICIAN],
    }

    # Removing people: a member, the guest.
    smtp_server.clear()
    _submit(coordinator, "remove", "bert")
    assert "Dr Bert Expert was removed from the panel." in _text(coordinator)
    _submit(coordinator, "remove", "gus")
    assert "Gus Outside no longer has guest access to this case." in _text(coordinator)
    mails = {m["To"]: m for m in smtp_server.wait_for(2)}
    assert "Removed from the panel" in mails["bert@example.invalid"]["Subject"]
    assert "guest access to case" in mails["gus@example.invalid"]["Subject"]
    transaction.begin()
    assert guests.grants_on(case) == []
    assert {p["userid"] for p in panel_of(case)} == {"dirk", "anna"}


def panel_of(case):
    from cpms.collaboration.panel import panel

    return panel(case)


def test_a_refused_change_says_why_and_keeps_what_was_typed(
    functional_portal, browser_for
):
    case, *_ = _case(functional_portal)
    transaction.commit()
    coordinator = browser_for("coord")
    coordinator.open(f"{case.absolute_url()}/@@panel")
    coordinator.getControl(name="guest").value = "nobody@nowhere.invalid"
    _submit(coordinator, "add_guest")
    text = _text(coordinator)
    assert "Nothing was changed." in text
    assert (
        "Guest clinician: nobody with the user name or email address "
        "'nobody@nowhere.invalid' has an account." in text
    )
    assert text.count("has an account") == 2  # at the top and at the form
    assert coordinator.getControl(name="guest").value == "nobody@nowhere.invalid"

    coordinator.getControl(name="guest").value = "gus"
    coordinator.getControl(name="until").value = "2001-01-01"
    _submit(coordinator, "add_guest")
    assert "Access until: The end date must be in the future." in _text(coordinator)

    coordinator.open(f"{case.absolute_url()}/@@panel?q=gus&search=1")
    # Gus is no healthcare professional: not found to be invited.
    assert "No healthcare professional who is not yet on this case matches." in (
        _text(coordinator)
    )


def test_who_may_change_what(functional_portal, browser_for):
    case, *_ = _case(functional_portal, state=states.IN_DISCUSSION)
    make_user("lena", fullname="Lena Lead")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    api.user.grant_roles(username="anna", obj=case, roles=[PANEL_MEMBER])
    case.reindexObjectSecurity()
    transaction.commit()
    url = f"{case.absolute_url()}/@@panel"

    # The lead invites members and guests, but does not appoint a lead.
    lead = browser_for("lena")
    lead.open(f"{url}?q=bert&search=1")
    assert "Invite a whole expertise area" in lead.contents
    assert "Add a guest clinician" in lead.contents
    assert 'value="appoint_lead"' not in lead.contents
    _submit(lead, "invite", "bert")
    assert "1 expert(s) invited. Each was told by mail: Dr Bert Expert." in _text(lead)

    # A member sees the panel and changes nothing.
    member = browser_for("anna")
    member.open(url)
    assert "Lena Lead" in member.contents
    assert "Dr Bert Expert" in member.contents
    assert 'name="action"' not in member.contents
    # Not even by posting the form by hand (with a valid token of their own).
    with api.env.adopt_user(username="anna"):
        token = createToken()
    with pytest.raises(Forbidden):
        member.post(url, f"action=remove&userid=bert&_authenticator={token}")
    transaction.begin()
    assert PANEL_MEMBER in case.get_local_roles_for_userid("bert")


def test_nobody_joins_the_panel_of_a_withdrawn_case(functional_portal, browser_for):
    case, *_ = _case(functional_portal, state=states.WITHDRAWN)
    api.user.grant_roles(username="anna", obj=case, roles=[PANEL_MEMBER])
    transaction.commit()
    url = f"{case.absolute_url()}/@@panel"
    coordinator = browser_for("coord")
    coordinator.open(url)
    assert "This case is withdrawn: nobody joins its panel any more." in _text(
        coordinator
    )
    assert "Invite experts" not in coordinator.contents
    assert "Add a guest clinician" not in coordinator.contents
    # Not even by posting by hand; removing people still works.
    with api.env.adopt_user(username="coord"):
        token = createToken()
    with pytest.raises(Forbidden):
        coordinator.post(url, f"action=invite&userid=bert&_authenticator={token}")
    _submit(coordinator, "remove", "anna")
    assert "Dr Anna Expert was removed from the panel." in _text(coordinator)


def test_coordinator_chooses_the_whole_panel_in_one_form_and_opens_it(
    functional_portal, smtp_server, browser_for
):
    """Without a search: the experts of the case's area and centre listed,
    the others folded below; several invited and the lead chosen at once,
    then the panel opened from the same page."""
    smtp_server.connect(functional_portal)
    case, *_ = _case(functional_portal)
    transaction.commit()
    url = f"{case.absolute_url()}/@@panel"
    coordinator = browser_for("coord")
    coordinator.open(url)
    text = _text(coordinator)
    assert "Experts of this case's expertise area and centre" in text
    suggested, others = text.split("Other healthcare professionals of the network")
    assert "Dr Anna Expert" in suggested and "Dr Bert Expert" in suggested
    assert "Dr Dirk Expert" not in suggested
    assert "Dr Dirk Expert" in others.split("Invite experts")[0]

    smtp_server.clear()
    form = _form(coordinator, "assemble")
    form.getControl(name="userids:list").value = ["anna", "bert"]
    form.getControl(name="lead").value = ["dirk"]
    form.submit()
    assert coordinator.url.endswith("/@@panel")
    text = _text(coordinator)
    assert "2 expert(s) invited. Each was told by mail:" in text
    assert "Dr Dirk Expert now leads the panel and was told by mail." in text
    assert {m["To"] for m in smtp_server.wait_for(3)} == {
        "anna@example.invalid",
        "bert@example.invalid",
        "dirk@example.invalid",
    }
    transaction.begin()
    assert PANEL_LEAD in case.get_local_roles_for_userid("dirk")
    assert PANEL_MEMBER in case.get_local_roles_for_userid("anna")
    assert PANEL_MEMBER in case.get_local_roles_for_userid("bert")

    # Everyone is on the panel now: no list to choose from; Open panel.
    coordinator.open(url)
    assert "Choose the panel" not in coordinator.contents
    coordinator.getForm(action=f"{case.absolute_url()}/@@case-action").submit()
    assert coordinator.url.split("?")[0] == case.absolute_url()
    assert "The panel is open." in _text(coordinator)
    transaction.begin()
    assert api.content.get_state(case) == states.IN_DISCUSSION


def test_the_one_form_refuses_an_empty_choice_and_a_lead_from_a_lead(
    functional_portal, browser_for
):
    case, *_ = _case(functional_portal)
    make_user("lena", fullname="Lena Lead")
    api.user.grant_roles(username="lena", obj=case, roles=[PANEL_LEAD])
    case.reindexObjectSecurity()
    transaction.commit()
    url = f"{case.absolute_url()}/@@panel"
    coordinator = browser_for("coord")
    coordinator.open(url)
    _submit(coordinator, "assemble")
    assert "Nothing was changed." in _text(coordinator)
    assert "Tick the experts to invite, or choose the panel's lead." in (
        _text(coordinator)
    )
    # The lead invites with the same form but appoints no lead.
    lead = browser_for("lena")
    lead.open(url)
    assert "Choose the panel" in lead.contents
    assert 'name="lead"' not in lead.contents
    with api.env.adopt_user(username="lena"):
        token = createToken()
    with pytest.raises(Forbidden):
        lead.post(url, f"action=assemble&lead=anna&_authenticator={token}")
    transaction.begin()
    assert PANEL_LEAD not in case.get_local_roles_for_userid("anna")
