"""cpms_publication_workflow: guides, FAQ entries, newsletter issues and
consent forms go through review before they are public.

Network staff (Editor, or the Owner who wrote it) write drafts and submit
them; Reviewers publish, send back or retract. Unlike
simple_publication_workflow, nobody but a reviewer publishes, and a published
item cannot be changed without going back through review (editors could
otherwise alter public text unseen). Edit here, run ``make workflows``,
commit both the table and the XML.
"""

from cpms.core import permissions as p
from cpms.core import roles
from cpms.core.workflows import State
from cpms.core.workflows import Transition
from cpms.core.workflows import Workflow
from cpms.core.workflows import status_variables
from cpms.public import states as s

STAFF = (roles.MANAGER, roles.SITE_ADMINISTRATOR)
WRITERS = (*STAFF, roles.OWNER, roles.EDITOR)
READERS = (*WRITERS, roles.CONTRIBUTOR, roles.REVIEWER, roles.READER)
EVERYONE = (roles.ANONYMOUS,)

PERMISSIONS = (
    p.ACCESS_CONTENTS_INFORMATION,
    p.VIEW,
    p.MODIFY_PORTAL_CONTENT,
    p.DELETE_OBJECTS,
    p.ADD_PORTAL_CONTENT,
    p.ADD_FILE,
    p.ADD_IMAGE,
)


def _publication_state(readers, writers, deleters, adders):
    return {
        p.ACCESS_CONTENTS_INFORMATION: readers,
        p.VIEW: readers,
        p.MODIFY_PORTAL_CONTENT: writers,
        p.DELETE_OBJECTS: deleters,
        p.ADD_PORTAL_CONTENT: adders,
        p.ADD_FILE: adders,
        p.ADD_IMAGE: adders,
    }


PUBLICATION_WORKFLOW = Workflow(
    id=s.PUBLICATION_WORKFLOW_ID,
    title="CPMS publication workflow",
    description="Publication with review: editors write and submit, reviewers publish.",
    initial_state=s.PRIVATE,
    permissions=PERMISSIONS,
    states=(
        State(
            s.PRIVATE,
            "Draft",
            "Being written by network staff; not public.",
            exits=(s.SUBMIT,),
            permissions=_publication_state(
                readers=READERS,
                writers=WRITERS,
                deleters=WRITERS,
                adders=(*WRITERS, roles.CONTRIBUTOR),
            ),
        ),
        State(
            s.PENDING,
            "Pending review",
            "Submitted; a reviewer checks it, then publishes it or sends it back.",
            exits=(s.PUBLISH, s.REJECT),
            permissions=_publication_state(
                readers=READERS,
                writers=(*STAFF, roles.REVIEWER),
                deleters=STAFF,
                adders=(*STAFF, roles.REVIEWER),
            ),
        ),
        State(
            s.PUBLISHED,
            "Published",
            "Public: everyone, anonymous visitors included, sees it. To change "
            "it, a reviewer retracts it to draft first.",
            exits=(s.RETRACT,),
            permissions=_publication_state(
                readers=EVERYONE, writers=STAFF, deleters=STAFF, adders=STAFF
            ),
        ),
    ),
    transitions=(
        Transition(
            s.SUBMIT,
            "Submit for review",
            "Editor sends the item to the reviewers.",
            new_state=s.PENDING,
            guard_permission=p.REQUEST_REVIEW,
        ),
        Transition(
            s.PUBLISH,
            "Publish",
            "Reviewer makes the item public.",
            new_state=s.PUBLISHED,
            guard_permission=p.REVIEW_PORTAL_CONTENT,
        ),
        Transition(
            s.REJECT,
            "Send back",
            "Reviewer sends the item back to draft for changes.",
            new_state=s.PRIVATE,
            guard_permission=p.REVIEW_PORTAL_CONTENT,
        ),
        Transition(
            s.RETRACT,
            "Retract",
            "Reviewer takes a published item off the public site.",
            new_state=s.PRIVATE,
            guard_permission=p.REVIEW_PORTAL_CONTENT,
        ),
    ),
    variables=status_variables(
        history_guard=(p.REQUEST_REVIEW, p.REVIEW_PORTAL_CONTENT),
        history_expression="python:state_change.getHistory()",
        history_update_always=True,
    ),
)

WORKFLOWS = (PUBLICATION_WORKFLOW,)
