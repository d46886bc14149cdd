"""The case workflow in Plone's own UI (staff keep it): refusals as status
messages, and the case's Sharing tab. Clinicians use the case page's buttons
(``cpms.cases.browser.views``), which show the same refusals as a checklist.

Plone's ``content_status_modify`` lets a ``WorkflowException`` become an
error page. For the case and its items the same view is wrapped: nothing of
the refused transition is kept, and the user lands

- staff (who keep Plone's UI): on ``content_status_history``, Plone's form
  where a comment can be written (request_info and a coordinator's override
  need one), with the exception's message (what is missing) as an error;
- everyone else (that form is refused to them): on the case page, as its
  ``@@case-action`` buttons do: the checklist of what a refused submit or
  close still needs, otherwise the message as an error.
"""

import transaction
from AccessControl import getSecurityManager
from plone.app.content.browser.content_status_modify import ContentStatusModifyView
from plone.app.workflow.browser.sharing import SharingView
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import BadRequest

from cpms.cases import states
from cpms.cases.browser import workspace
from cpms.cases.sharing import GroupRoleError
from cpms.cases.sharing import check_grant
from cpms.cases.utils import find_case
from cpms.core.validation import TEXT_MAX
from cpms.core.validation import identifier_refusal
from cpms.core.validation import text_problem

# Who keeps Plone's toolbar keeps its workflow forms (cpms.theme.admin_ui).
SHOW_TOOLBAR = "Show Toolbar"


class CaseStatusModifyView(ContentStatusModifyView):
    def __call__(self, workflow_action=None, comment="", **kwargs):
        # The same checks as a comment sent over REST (cpms.core.boundary),
        # before anything changes.
        problem = text_problem(comment or "", single_line=False, max_length=TEXT_MAX)
        if problem:
            return self.back_to_history(f"Comment: {problem}", workflow_action)
        refusal = identifier_refusal("Comment", comment)
        if refusal:
            return self.back_to_history(refusal, workflow_action)
        # Nothing of a refused transition may be kept (the effective date
        # Plone's view sets first, for one); a savepoint, not a doomed
        # transaction, so that folder_publish may go on with other items.
        savepoint = transaction.savepoint(optimistic=True)
        try:
            return super().__call__(
                workflow_action=workflow_action, comment=comment, **kwargs
            )
        except WorkflowException as error:
            savepoint.rollback()
            return self.back_to_history(str(error), workflow_action)

    def back_to_history(self, message, workflow_action):
        """Plone's transition form again, with the message; the case page
        for those who do not use Plone's forms."""
        if not getSecurityManager().checkPermission(SHOW_TOOLBAR, self.context):
            return self.back_to_case(message, workflow_action)
        IStatusMessage(self.request).add(message, type="error")
        url = f"{self.context.absolute_url()}/content_status_history"
        if workflow_action:
            url += f"?workflow_action={workflow_action}"
        return self.request.response.redirect(url)

    def back_to_case(self, message, workflow_action):
        case = find_case(self.context) or self.context
        url = case.absolute_url()
        if (
            case is self.context
            and workflow_action in (states.SUBMIT, states.CLOSE)
            and workspace.checklist(case, workflow_action)
        ):
            # The case page lists what is missing, with links.
            return self.request.response.redirect(
                f"{url}?refused={workflow_action}#next-step"
            )
        IStatusMessage(self.request).add(message, type="error")
        return self.request.response.redirect(url)


class CaseSharingView(SharingView):
    """The Sharing tab of a case: for site managers only (cases/configure.zcml).

    Clinicians and coordinators assemble the panel on the case's panel page,
    which mails each person; this tab stays as the managers' repair tool, and
    its roles may still be set over REST ``@sharing`` (which uses this view)
    by whoever the case's sharing permissions allow.

    Roles on a case go to people only (cpms.cases.sharing): no "Logged-in
    users" row, no group in the search, and a group in the submitted entries
    is refused with a message (REST: 400) before anything is changed.

    Plone's form always saves the "inherit permissions" checkbox, which needs
    "Modify portal content"; on a case inheriting local roles means nothing
    (its readers are named on the case itself), so it is not offered.
    """

    STICKY = ()

    def can_edit_inherit(self):
        return False

    def group_search_results(self):
        return []

    def update_role_settings(self, new_settings, reindex=True):
        for entry in new_settings:
            try:
                check_grant(self.context, entry["id"], entry.get("roles") or ())
            except GroupRoleError as error:
                raise BadRequest(str(error)) from None
        return super().update_role_settings(new_settings, reindex=reindex)

    def handle_form(self):
        try:
            return super().handle_form()
        except BadRequest as error:
            IStatusMessage(self.request).add(str(error), type="error")
            return True
