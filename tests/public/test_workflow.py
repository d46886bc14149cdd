"""cpms_publication_workflow: role x state x action, for every public type.

The matrix is data: for each state, which test users may do each action.
Users: ``writer`` (Editor who created the item, so its Owner), ``editor2``
(another Editor), ``reviewer`` (Reviewer), ``member`` (a logged-in healthcare
professional) and ``anonymous``.
"""

import pytest
from plone import api
from plone.app.testing import login
from plone.app.testing import logout

from cpms.core import permissions
from cpms.public import states
from tests.public.helpers import SECTION_OF
from tests.public.helpers import create

USERS = {
    "writer": ["Member", "Editor"],
    "editor2": ["Member", "Editor"],
    "reviewer": ["Member", "Reviewer"],
    "member": ["Member", "Healthcare Professional"],
    "anonymous": None,
}
STAFF = {"writer", "editor2", "reviewer"}
ACTIONS = ("view", "edit", "submit", "publish", "reject", "retract")

# The matrix and PATH_TO name states and transitions literally: they are the
# independent statement of who may do what, checked against the workflow.
MATRIX: dict[str, dict[str, set[str]]] = {
    "private": {
        "view": STAFF,
        "edit": {"writer", "editor2"},
        "submit": {"writer", "editor2"},
        "publish": set(),
        "reject": set(),
        "retract": set(),
    },
    "pending": {
        "view": STAFF,
        "edit": {"reviewer"},
        "submit": set(),
        "publish": {"reviewer"},
        "reject": {"reviewer"},
        "retract": set(),
    },
    "published": {
        "view": set(USERS),
        "edit": set(),
        "submit": set(),
        "publish": set(),
        "reject": set(),
        "retract": {"reviewer"},
    },
}
PATH_TO = {"private": [], "pending": ["submit"], "published": ["submit", "publish"]}


def _make_users():
    acl_users = api.portal.get_tool("acl_users")
    for userid, roles in USERS.items():
        if roles and api.user.get(userid=userid) is None:
            acl_users.userFolderAddUser(userid, "secret-password-1", roles, [])


def _item_in_state(portal, type_id, state):
    _make_users()
    login(portal, "writer")
    obj = create(portal, type_id, title=f"{type_id} {state}")
    for transition in PATH_TO[state]:
        login(portal, "writer" if transition == "submit" else "reviewer")
        api.content.transition(obj=obj, transition=transition)
    assert api.content.get_state(obj) == state
    return obj


def _can(obj, action) -> bool:
    if action == "view":
        return api.user.has_permission(permissions.VIEW, obj=obj)
    if action == "edit":
        return api.user.has_permission(permissions.MODIFY_PORTAL_CONTENT, obj=obj)
    transitions = api.portal.get_tool("portal_workflow").getTransitionsFor(obj)
    return action in {t["id"] for t in transitions}


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize("state", sorted(MATRIX))
@pytest.mark.parametrize("type_id", sorted(SECTION_OF))
def test_permission_matrix(portal, type_id, state, user):
    obj = _item_in_state(portal, type_id, state)
    if user == "anonymous":
        logout()
    else:
        login(portal, user)
    allowed = {action for action in ACTIONS if _can(obj, action)}
    expected = {action for action in ACTIONS if user in MATRIX[state][action]}
    assert allowed == expected


@pytest.mark.parametrize("type_id", sorted(SECTION_OF))
def test_editor_writes_reviewer_publishes_anonymous_reads(portal, type_id):
    obj = _item_in_state(portal, type_id, "private")
    logout()
    assert not api.content.find(UID=obj.UID())
    login(portal, "writer")
    api.content.transition(obj=obj, transition=states.SUBMIT)
    login(portal, "reviewer")
    api.content.transition(obj=obj, transition=states.REJECT)
    assert api.content.get_state(obj) == states.PRIVATE
    login(portal, "writer")
    api.content.transition(obj=obj, transition=states.SUBMIT)
    login(portal, "reviewer")
    api.content.transition(obj=obj, transition=states.PUBLISH)
    logout()
    assert [b.UID for b in api.content.find(UID=obj.UID())] == [obj.UID()]
    login(portal, "reviewer")
    api.content.transition(obj=obj, transition=states.RETRACT)
    logout()
    assert not api.content.find(UID=obj.UID())


@pytest.mark.parametrize("type_id", sorted(SECTION_OF))
def test_editor_may_add_in_the_section(portal, type_id):
    _make_users()
    section = portal[SECTION_OF[type_id]]
    login(portal, "editor2")
    assert api.user.has_permission(permissions.ADD_PORTAL_CONTENT, obj=section)
    assert type_id in [t.getId() for t in section.allowedContentTypes()]
    login(portal, "member")
    assert type_id not in [t.getId() for t in section.allowedContentTypes()]


def test_guide_attachments_follow_the_guide(portal):
    from plone.namedfile.file import NamedBlobFile

    guide = _item_in_state(portal, "Guide", "private")
    login(portal, "writer")
    attachment = api.content.create(
        container=guide,
        type="File",
        title="Checklist",
        file=NamedBlobFile(b"checklist", filename="checklist.txt"),
    )
    logout()
    assert not api.user.has_permission(permissions.VIEW, obj=attachment)
    login(portal, "writer")
    api.content.transition(obj=guide, transition=states.SUBMIT)
    login(portal, "reviewer")
    api.content.transition(obj=guide, transition=states.PUBLISH)
    logout()
    assert api.user.has_permission(permissions.VIEW, obj=attachment)
