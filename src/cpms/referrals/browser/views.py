"""Browser views of the referral process."""

from plone import api
from plone.app.layout.viewlets import ViewletBase
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate

from cpms import _
from cpms.core import i18n
from cpms.core.validation import TEXT_MAX
from cpms.core.validation import identifier_refusal
from cpms.core.validation import text_problem
from cpms.referrals import states
from cpms.referrals.validators import make_token
from cpms.referrals.workflow import MESSAGE_REQUIRED


class FormToken(BrowserView):
    """The signed time the form is shown (default of the hidden "started" field)."""

    def __call__(self):
        return make_token()


class ReferralTransition(BrowserView):
    """A referral transition with its message: the workflow menu links here.

    GET shows what the transition does and a message box (required for
    ``request_info`` and ``decline``); POST runs it.  Errors come back on the
    same page, so a coordinator is never left on an error page.
    """

    def __call__(self):
        self.transition_id = self.request.get("transition", "")
        self.error = ""
        self.comment = self.request.form.get("comment", "")
        available = {
            t["id"]: t
            for t in api.portal.get_tool("portal_workflow").getTransitionsFor(
                self.context
            )
        }
        self.transition = available.get(self.transition_id)
        if self.transition is None:
            api.portal.show_message(
                _("This step is not possible for this referral now."),
                request=self.request,
                type="error",
            )
            return self.request.response.redirect(self.context.absolute_url())
        if self.request.method == "POST" and "form.submitted" in self.request.form:
            CheckAuthenticator(self.request)
            # The same checks as a comment sent over REST (cpms.core.boundary).
            problem = text_problem(self.comment, single_line=False, max_length=TEXT_MAX)
            if problem:
                self.error = translate(
                    _("Message: ${problem}", mapping={"problem": problem}),
                    context=self.request,
                )
                return self.index()
            refusal = identifier_refusal("Message", self.comment)
            if refusal:
                self.error = refusal
                return self.index()
            try:
                # Not api.content.transition: it hides the workflow's own
                # message ("a reason is required") behind a generic one.
                api.portal.get_tool("portal_workflow").doActionFor(
                    self.context, self.transition_id, comment=self.comment.strip()
                )
            except WorkflowException as exc:
                self.error = str(exc)
                return self.index()
            api.portal.show_message(
                _(
                    "${step}: done.",
                    mapping={"step": i18n.as_message(self.transition["title"])},
                ),
                request=self.request,
            )
            return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    @property
    def message_required(self) -> bool:
        return self.transition_id in MESSAGE_REQUIRED

    @property
    def description(self) -> str:
        wf = api.portal.get_tool("portal_workflow")[states.REFERRAL_WORKFLOW_ID]
        # The workflow's texts are catalogue messages (workflow_definitions).
        return i18n.as_message(wf.transitions[self.transition_id].description)


class ReferralSteps(ViewletBase):
    """The referral's next steps as buttons above its content.

    Coordinators work without Plone's toolbar (and its State menu): each
    transition open to the user leads to its step page, which asks for the
    message where one is required.
    """

    index = ViewPageTemplateFile("templates/referral_steps.pt")

    def steps(self) -> list[dict]:
        wf = api.portal.get_tool("portal_workflow")
        url = f"{self.context.absolute_url()}/@@referral-transition"
        return [
            {
                "id": t["id"],
                "title": t["title"] or t["name"] or t["id"],
                "url": f"{url}?transition={t['id']}",
                "needs_message": t["id"] in MESSAGE_REQUIRED,
            }
            for t in wf.getTransitionsFor(self.context)
        ]
