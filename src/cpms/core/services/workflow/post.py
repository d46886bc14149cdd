"""``POST <content>/@workflow/<transition>``: plone.restapi's own, with the
portal's one error shape.

plone.restapi's service answers a refused transition itself, with 400 and
``{"error": {"type": "WorkflowException", "message": ...}}``, and commits
whatever the request changed before the refusal. Here the same refusal is
raised as ``BadRequest``: the error view renders ``{"type": "BadRequest",
"message": ...}`` like every other error of the portal, and the transaction
is aborted, so a refused transition changes nothing. The transition guards'
messages (cpms.cases.workflow, cpms.referrals.workflow) come through as
they are.
"""

from plone.restapi.services.workflow.transition import WorkflowTransition
from zExceptions import BadRequest


class WorkflowTransitionPost(WorkflowTransition):
    def reply(self):
        answer = super().reply()
        error = answer.get("error") if isinstance(answer, dict) else None
        if error is not None:
            raise BadRequest(error.get("message") or "The transition was refused.")
        return answer
