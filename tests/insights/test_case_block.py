"""The case page's insights block: similar cases one may open (linked, with
score and shared terms), how many are elsewhere (never which), and the
diagnosis suggestions only for the panel and coordinators."""

import re

import pytest
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from zope.interface import alsoProvides

from cpms.cases import states
from cpms.core.roles import COORDINATOR
from cpms.core.roles import PANEL_LEAD
from cpms.core.roles import PANEL_MEMBER
from cpms.insights import similarity
from cpms.interfaces import ICPMSLayer
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

# Seizure, global developmental delay, microcephaly, speech delay.
TERMS = ["HP:0001250", "HP:0001263", "HP:0000252", "HP:0000750"]
SUGGESTIONS = "Diagnosis suggestions"
# The notice under the heading says what they are.
NOTICE = "A decision aid, not a diagnosis"


@pytest.fixture
def cases(portal):
    return _make_cases(portal)


def _make_cases(portal):
    alsoProvides(portal.REQUEST, ICPMSLayer)
    # The ranking's cache is keyed by the catalog's counter, which the
    # layers' rollback sets back between tests.
    similarity._networks.clear()
    for userid in ("clara", "otto", "pam", "lena"):
        make_user(userid, fullname=f"Dr {userid.title()}")
    make_user("cora", roles=("Member", COORDINATOR), fullname="Cora")
    found = {}
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        for name, owner, terms in (
            ("A", "clara", TERMS),
            ("B", "otto", TERMS),
            ("D", "clara", TERMS),
            ("E", "clara", []),
        ):
            case = make_case(
                portal, nickname=f"Case {name}", owner=owner, hpo_terms=terms
            )
            set_state(case, states.IN_DISCUSSION)
            found[name] = case
        for name in ("A", "D"):
            api.user.grant_roles(username="pam", obj=found[name], roles=[PANEL_MEMBER])
            found[name].reindexObjectSecurity()
        api.user.grant_roles(username="lena", obj=found["A"], roles=[PANEL_LEAD])
        found["A"].reindexObjectSecurity()
    return found


def _block(case, userid):
    with api.env.adopt_user(username=userid):
        return case.restrictedTraverse("@@case-insights")()


def test_panel_member_sees_similar_elsewhere_and_suggestions(cases):
    a, b, d = cases["A"], cases["B"], cases["D"]
    html = _block(a, "pam")
    assert "Similar cases in the network" in html
    # D, which pam may open, linked once, with its shared terms' titles.
    assert html.count(f'href="{d.absolute_url()}"') == 1
    assert re.search(
        r"<li[^>]*badge[^>]*>\s*Microcephaly\s*<span[^>]*>HP:0000252<", html
    )
    assert 'role="progressbar"' in html
    assert "1 similar case elsewhere you cannot see" in html
    # pam is on A's panel: she may ask B's clinicians, who stay unnamed.
    assert "Ask their clinicians for contact" in html
    assert b.case_id not in html and b.UID() not in html
    assert b.absolute_url() not in html
    assert SUGGESTIONS in html and NOTICE in html


def test_suggestions_for_the_panel_and_coordinators_only(cases):
    a = cases["A"]
    for userid in ("pam", "lena", "cora"):
        assert SUGGESTIONS in _block(a, userid), userid
    # The enrolling clinician sees the similar cases, not the suggestions.
    html = _block(a, "clara")
    assert "Similar cases in the network" in html
    assert SUGGESTIONS not in html
    assert cases["B"].case_id not in html
    # A coordinator may view the case but holds no role on it: no form.
    assert "Ask their clinicians for contact" not in _block(a, "cora")


def test_a_case_without_codes_says_how_to_add_them(cases):
    e = cases["E"]
    html = _block(e, "clara")
    assert "Add HPO terms" in html
    assert f'href="{e.absolute_url()}/@@edit-case"' in html
    assert "elsewhere you cannot see" not in html
    assert SUGGESTIONS not in html


def test_the_case_page_includes_the_block(cases):
    a = cases["A"]
    with api.env.adopt_user(username="pam"):
        html = a.restrictedTraverse("@@view")()
    assert 'id="insights"' in html
    assert cases["B"].case_id not in html


@pytest.mark.slow
def test_block_and_contact_page_in_chromium(functional):
    """The block (panel member, 1280 and 390 px) and the Contact requests page
    (the clinician asked): axe-core finds no serious violation, nothing
    scrolls sideways on a phone; screenshots to look at."""
    from base64 import b64encode

    import transaction

    from tests.browser.pages import DESKTOP
    from tests.browser.pages import PHONE
    from tests.browser.pages import axe_violations
    from tests.browser.pages import sideways_overflow
    from tests.collaboration.conftest import PASSWORD
    from tests.helpers.browser import SCREENSHOTS
    from tests.helpers.browser import chromium

    portal = functional["portal"]
    found = _make_cases(portal)
    a = found["A"]
    with api.env.adopt_user(username="pam"):
        (token,) = similarity.similar_cases(a)["elsewhere"]["tokens"]
        from cpms.insights import contact

        contact.send_request(a, token, "Same triad; ketogenic diet tried.")
    transaction.commit()
    problems = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for user, url, name, expected in (
            ("pam", a.absolute_url(), "case-insights", "elsewhere you cannot see"),
            (
                "otto",
                f"{portal.absolute_url()}/@@contact-requests",
                "contact-requests",
                "Requests to you",
            ),
        ):
            credentials = b64encode(f"{user}:{PASSWORD}".encode()).decode()
            context = browser.new_context(
                viewport=DESKTOP,
                # Plone answers a missing login with its form, not a 401.
                extra_http_headers={"Authorization": f"Basic {credentials}"},
            )
            page = context.new_page()
            response = page.goto(url, wait_until="networkidle")
            assert response.status == 200, (name, response.status)
            assert expected in page.inner_text("main, #content")
            if name == "case-insights":
                # pam asked about the one case elsewhere: its answer, no form.
                assert "Contact asked for: waiting" in page.inner_text("#insights")
            problems += [f"{name}: {v}" for v in axe_violations(page)]
            page.screenshot(path=SCREENSHOTS / f"{name}-1280.png", full_page=True)
            overflow = sideways_overflow(page)
            if overflow:
                problems.append(f"{name}: scrolls sideways by {overflow}px at 390px")
            page.set_viewport_size(PHONE)
            page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)
            context.close()
    assert not problems, "\n".join(problems)
