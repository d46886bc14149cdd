"""The permission matrix (tests/security/case_matrix.py), checked twice:
through the Python API (integration layer) and over HTTP with plone.restapi
against a real WSGI server (functional layer, plone.protect on).

One test per (channel, state): the state's case is built once and every
role x action cell is observed; a failure lists every differing cell.
"""

from contextlib import contextmanager

import pytest
import transaction
from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import nobody
from pytest_plone.fixtures.requests import RelativeSession

from cpms.core import permissions
from tests.security.case_matrix import ACTIONS
from tests.security.case_matrix import ITEM_ACTIONS
from tests.security.case_matrix import ROLES
from tests.security.case_matrix import STATES
from tests.security.case_matrix import TRANSITIONS
from tests.security.case_matrix import expected_for
from tests.security.case_matrix import item_expected_for
from tests.security.helpers import PASSWORD
from tests.security.helpers import build_case

# matrix column -> test user (tests/security/helpers.PEOPLE)
USERS = {
    "anon": None,
    "member": "mx-member",
    "hp": "mx-hp",
    "owner": "mx-owner",
    "lead": "mx-lead",
    "pmem": "mx-expert",
    "guest": "mx-guest",
    "coord": "mx-coord",
    "help": "mx-help",
    "editor": "mx-editor",
}
assert tuple(USERS) == ROLES


def items(case):
    by_type = {}
    for obj in case.objectValues():
        by_type.setdefault(obj.portal_type, []).append(obj)
    return by_type


WORD = {True: "allowed", False: "refused"}


def differences(state, observed):
    expected = expected_for(state)
    assert set(observed) == set(expected)
    return [
        f"{state:<14} {role:<7} {action:<17} expected "
        f"{WORD[want]}, got {WORD[observed[(role, action)]]}"
        for (role, action), want in sorted(expected.items())
        if observed[(role, action)] != want
    ]


# --- Python API -----------------------------------------------------------


@contextmanager
def acting_as(portal, column):
    saved = getSecurityManager()
    userid = USERS[column]
    if userid is None:
        user = nobody
    else:
        acl_users = portal.acl_users
        user = acl_users.getUserById(userid).__of__(acl_users)
    newSecurityManager(None, user)
    try:
        yield
    finally:
        setSecurityManager(saved)


def observe_python(portal, case):
    wf = portal.portal_workflow
    by_type = items(case)
    report = by_type["OutcomeReport"][0]
    others = by_type["ConsentRecord"] + by_type["Contribution"]
    observed = {}
    for column in ROLES:
        with acting_as(portal, column):
            sm = getSecurityManager()

            def can(permission, obj, sm=sm):
                return bool(sm.checkPermission(permission, obj))

            transitions = {t["id"] for t in wf.getTransitionsFor(case)}
            addable = [fti.getId() for fti in case.allowedContentTypes()]
            cells = {
                "view_case": can(permissions.VIEW, case),
                "view_items": all(can(permissions.VIEW, obj) for obj in others),
                "view_report": can(permissions.VIEW, report),
                "edit": can(permissions.MODIFY_PORTAL_CONTENT, case),
                "add_contribution": can(permissions.ADD_PORTAL_CONTENT, case)
                and can(permissions.ADD_CONTRIBUTION, case)
                and "Contribution" in addable,
                "sign_report": "sign"
                in {t["id"] for t in wf.getTransitionsFor(report)},
            }
            cells.update({t: t in transitions for t in TRANSITIONS})
        for action in ACTIONS:
            observed[(column, action)] = cells[action]
    return observed


@pytest.mark.parametrize("state", STATES)
def test_matrix_python_api(portal, state):
    case = build_case(portal, state)
    assert differences(state, observe_python(portal, case)) == []


def observe_items(portal, case):
    """May each column add a consent record / a medical file to ``case``?"""
    needs = {
        "add_consent": ("ConsentRecord", "cpms: Add Consent Record"),
        "add_file": ("MedicalFile", "cpms: Add Medical File"),
    }
    observed = {}
    for column in ROLES:
        with acting_as(portal, column):
            sm = getSecurityManager()
            addable = {fti.getId() for fti in case.allowedContentTypes()}
            for action in ITEM_ACTIONS:
                portal_type, permission = needs[action]
                observed[(column, action)] = bool(
                    sm.checkPermission(permissions.ADD_PORTAL_CONTENT, case)
                    and sm.checkPermission(permission, case)
                    and portal_type in addable
                )
    return observed


@pytest.mark.parametrize("state", STATES)
def test_item_matrix_python_api(portal, state):
    case = build_case(portal, state)
    observed = observe_items(portal, case)
    expected = item_expected_for(state)
    assert set(observed) == set(expected)
    assert [
        f"{state:<14} {role:<7} {action:<12} expected {WORD[want]}, "
        f"got {WORD[observed[(role, action)]]}"
        for (role, action), want in sorted(expected.items())
        if observed[(role, action)] != want
    ] == []


# --- HTTP (plone.restapi, real WSGI server) -------------------------------


def session_for(portal, column):
    session = RelativeSession(f"{portal.absolute_url()}/++api++")
    session.headers.update({"Accept": "application/json"})
    if USERS[column] is not None:
        session.auth = (USERS[column], PASSWORD)
    return session


def workflow_transitions(session, path):
    response = session.get(f"{path}/@workflow")
    if response.status_code != 200:
        return set()
    return {t["@id"].rsplit("/", 1)[-1] for t in response.json()["transitions"]}


def observe_http(portal, paths):
    observed = {}
    for column in ROLES:
        session = session_for(portal, column)

        def ok(path, session=session):
            return session.get(path).status_code == 200

        transitions = workflow_transitions(session, paths["case"])
        added = session.post(
            paths["case"],
            json={"@type": "Contribution", "text": "Observed over HTTP (matrix)."},
        )
        cells = {
            "view_case": ok(paths["case"]),
            "view_items": all(ok(p) for p in paths["items"]),
            "view_report": ok(paths["report"]),
            "edit": session.patch(paths["case"], json={}).status_code == 204,
            "add_contribution": added.status_code == 201,
            "sign_report": "sign" in workflow_transitions(session, paths["report"]),
        }
        cells.update({t: t in transitions for t in TRANSITIONS})
        for action in ACTIONS:
            observed[(column, action)] = cells[action]
        session.close()
    return observed


@pytest.mark.parametrize("state", STATES)
def test_matrix_http(functional_portal, state):
    portal = functional_portal
    case = build_case(portal, state)
    by_type = items(case)
    site = portal.absolute_url_path()

    def rel(obj):
        return obj.absolute_url_path()[len(site) :]

    paths = {
        "case": rel(case),
        "report": rel(by_type["OutcomeReport"][0]),
        "items": [rel(o) for o in by_type["ConsentRecord"] + by_type["Contribution"]],
    }
    transaction.commit()
    assert differences(state, observe_http(portal, paths)) == []


def test_matrix_size():
    """The matrix covers 10 roles x 6 states x 13 actions; a dropped row shows here."""
    assert (len(ROLES), len(STATES), len(ACTIONS)) == (10, 6, 13)
