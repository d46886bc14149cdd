"""The case page as the workspace, and ``@@case-action`` that its buttons post to.

The page (``CaseView``) shows the case's header with its one next step for the
current user, the coded facts, the discussion as one timeline, the panel and,
apart, the other actions. Every button posts to ``@@case-action``
(``CaseActionView``), which fires the workflow transition as the user (the
transition's guard permission decides) and comes back to the case page: with
a checklist of what is missing when the case's rules refuse it
(``?refused=<transition>``), or with a confirmation page first for what
cannot be undone (withdraw, archive).
"""

import transaction
from plone import api
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.schema import ValidationError

from cpms import _
from cpms.cases import states
from cpms.cases.browser import workspace
from cpms.cases.workflow import last_info_request
from cpms.coding.index import icd10_index
from cpms.core import permissions
from cpms.core.browser.fields import FieldsView
from cpms.core.i18n import translate_here
from cpms.core.users import fullname
from cpms.core.validation import TEXT_MAX
from cpms.core.validation import identifier_refusal
from cpms.core.validation import text_problem

# The coded facts of the header and the summary, in reading order.
FACT_FIELDS = (
    "sex",
    "year_of_birth",
    "age_band",
    "expertise_area",
    "referring_hcp",
    "referring_clinician",
)
CODE_FIELDS = ("orpha_codes", "icd10_codes", "hpo_terms")
TEXT_FIELDS = ("clinical_summary", "clinical_question")


class CaseView(FieldsView):
    """The case page: header, next step, facts, discussion, panel, other actions."""

    # Set by @@case-action when it shows the page again after a mistake.
    error = ""

    def update(self):
        self.state = workspace.review_state(self.context)
        self.step = workspace.next_step(self.context)
        self.transitions = workspace.available_transitions(self.context)
        refused = self.request.form.get("refused", "")
        self.refused = refused if refused in workspace.TRANSITION_LABELS else ""
        self.refused = self.refused or (
            workspace.REPORT_SIGN if refused == workspace.REPORT_SIGN else ""
        )

    def __call__(self):
        self.update()
        return self.index()

    # header

    def state_title(self):
        return workspace.state_title(self.context)

    def info_request(self):
        request = last_info_request(self.context)
        if request is None:
            return None
        return {**request, "who": fullname(request["actor"])}

    def action_url(self):
        return f"{self.context.absolute_url()}/@@case-action"

    def missing(self):
        """What the next step (or the refused one) still needs."""
        transition = self.refused or (self.step.action if self.step else "")
        if transition not in (states.SUBMIT, states.CLOSE):
            return []
        return workspace.checklist(self.context, transition)

    def refused_title(self):
        if not self.refused:
            return ""
        what = {
            states.SUBMIT: _("The case cannot be submitted yet."),
            states.CLOSE: _("The case cannot be closed yet."),
        }
        return what.get(self.refused, _("This step cannot be done yet."))

    # facts

    def _rows(self, names):
        wanted = {row["name"]: row for row in self.rows()}
        return [wanted[name] for name in names if name in wanted]

    def facts(self):
        return self._rows(FACT_FIELDS)

    def codes(self):
        """Coded diagnosis and phenotype, one chip per code."""
        rows = []
        for row in self._rows(CODE_FIELDS):
            chips = []
            for value in row["values"]:
                # Vocabulary titles read "Name (CODE)": the chip shows the code
                # first, as clinicians write it.
                text = str(value)
                if text.endswith(")") and " (" in text:
                    name, code = text[:-1].rsplit(" (", 1)
                    chips.append({"code": code, "name": name})
                else:
                    # ICD-10 codes are stored as typed: their WHO title is looked up
                    entry = (
                        icd10_index().get(text)
                        if row["name"] == "icd10_codes"
                        else None
                    )
                    chips.append({"code": text, "name": entry.name if entry else ""})
            rows.append({"label": row["label"], "name": row["name"], "chips": chips})
        return rows

    def texts(self):
        return self._rows(TEXT_FIELDS)

    # discussion and panel

    def timeline(self):
        return workspace.timeline(self.context)

    def when(self, value):
        return workspace.when(value)

    def audit_entries(self):
        return workspace.audit_entries(self.context)

    def panel(self):
        return workspace.panel(self.context)

    def can_contribute(self):
        return workspace.can_add(self.context, "Contribution")

    def can_manage_panel(self):
        return workspace.may(permissions.MANAGE_PANEL, self.context)

    def links(self):
        """Adding to the case: files and meetings (their own forms)."""
        found = []
        for portal_type, label in (
            ("MedicalFile", _("Add a file")),
            ("Meeting", _("Plan a meeting")),
        ):
            if workspace.can_add(self.context, portal_type):
                found.append(
                    {
                        "label": label,
                        "url": workspace.add_url(self.context, portal_type),
                    }
                )
        return found

    def can_edit(self):
        return self.state == states.DRAFT and workspace.may(
            permissions.MODIFY_PORTAL_CONTENT, self.context
        )

    # other actions

    def other_actions(self):
        """Transitions besides the next step: irreversible ones go through a
        confirmation page, the others are buttons (with a text box where the
        transition needs a comment)."""
        step = self.step.action if self.step else None
        actions = []
        for transition in (
            states.REQUEST_INFO,
            states.CLOSE,
            states.REOPEN,
            states.WITHDRAW,
            states.ARCHIVE,
        ):
            if transition not in self.transitions or transition == step:
                continue
            action = {
                "transition": transition,
                "label": workspace.TRANSITION_LABELS[transition],
                "confirm": transition in workspace.CONFIRMATIONS,
                "text_label": "",
                "help": "",
            }
            if transition == states.REQUEST_INFO:
                action["label"] = _("Ask the referring clinician for information")
                action["text_label"] = _("What information is missing?")
                action["help"] = _("The case goes back to its clinician as a draft.")
            elif transition == states.CLOSE:
                action["label"] = _("Close the case")
                if workspace.may(permissions.OVERRIDE_CLOSE_RULE, self.context):
                    action["text_label"] = _(
                        "Reason (needed if the closing rule is not met)"
                    )
            elif transition == states.REOPEN:
                action["label"] = _("Reopen the discussion")
            elif transition == states.WITHDRAW:
                action["label"] = _("Withdraw the case...")
                action["help"] = _("Locks the case for good. You are asked to confirm.")
            elif transition == states.ARCHIVE:
                action["label"] = _("Archive the case...")
                action["help"] = _(
                    "Keeps it for the record only. You are asked to confirm."
                )
            actions.append(action)
        return actions


class CaseActionView(BrowserView):
    """``@@case-action``: the workspace's buttons post here.

    ``action`` is a transition id of the case, ``sign`` (the outcome report)
    or ``contribute`` (with ``text``). Withdraw and archive need
    ``confirmed=1``: without it a confirmation page says what will happen.
    """

    confirm_template = ViewPageTemplateFile("templates/confirm.pt")

    def __call__(self):
        action = self.request.form.get("action", "")
        if action in workspace.CONFIRMATIONS and not self.request.form.get("confirmed"):
            return self.confirm(action)
        if self.request.method != "POST":
            raise BadRequest(_("Use the buttons of the case page."))
        CheckAuthenticator(self.request)
        comment = (self.request.form.get("comment") or "").strip()
        # The same checks as a comment sent over REST (cpms.core.boundary).
        problem = text_problem(comment, single_line=False, max_length=TEXT_MAX)
        if problem:
            return self.back_to_case(
                _("Comment: ${problem}", mapping={"problem": problem})
            )
        refusal = identifier_refusal(_("Comment"), comment)
        if refusal:
            return self.back_to_case(refusal)
        if action == "contribute":
            return self.contribute()
        if action == workspace.REPORT_SIGN:
            report = workspace.report_of(self.context)
            if report is None:
                raise BadRequest(_("This case has no outcome report to sign."))
            return self.transition(report, action, comment, _("The report is signed."))
        if action not in workspace.TRANSITION_LABELS:
            raise BadRequest(
                translate_here(
                    _("Unknown action ${action}.", mapping={"action": repr(action)})
                )
            )
        if action == states.REQUEST_INFO and not comment:
            return self.back_to_case(
                _(
                    "What information is missing? Write it in the box before "
                    "asking: the referring clinician reads it on the case."
                )
            )
        done = {
            states.SUBMIT: _("The case is submitted: the coordinators are told."),
            states.OPEN_PANEL: _("The panel is open."),
            states.REQUEST_INFO: _("The case is back with its clinician."),
            states.CLOSE: _("The case is closed."),
            states.ARCHIVE: _("The case is archived."),
            states.WITHDRAW: _("The case is withdrawn."),
            states.REOPEN: _("The discussion is reopened."),
        }
        return self.transition(self.context, action, comment, done[action])

    def case_url(self, **query):
        url = self.context.absolute_url()
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return url

    def confirm(self, action):
        if action not in workspace.available_transitions(self.context):
            raise Unauthorized(_("You may not do this on this case."))
        self.action = action
        self.label = {
            states.WITHDRAW: _("Yes, withdraw the case"),
            states.ARCHIVE: _("Yes, archive the case"),
        }[action]
        self.title = {
            states.WITHDRAW: _(
                "Withdraw case ${case}?", mapping={"case": self.context.Title()}
            ),
            states.ARCHIVE: _(
                "Archive case ${case}?", mapping={"case": self.context.Title()}
            ),
        }[action]
        self.sentence = workspace.CONFIRMATIONS[action]
        return self.confirm_template()

    def transition(self, obj, action, comment, done):
        if action not in workspace.available_transitions(obj):
            api.portal.show_message(
                _("This step is not open to you on the case as it is now."),
                self.request,
                type="error",
            )
            return self.request.response.redirect(self.case_url())
        # A refused transition keeps nothing (Plone's own view sets dates
        # first, for one): roll back to here.
        savepoint = transaction.savepoint(optimistic=True)
        wf = api.portal.get_tool("portal_workflow")
        try:
            wf.doActionFor(obj, action, comment=comment)
        except WorkflowException as error:
            savepoint.rollback()
            if action in (states.SUBMIT, states.CLOSE) and workspace.checklist(
                self.context, action
            ):
                # The case page lists what is missing, with links.
                if action == states.CLOSE and comment:
                    api.portal.show_message(
                        _error_message(error), self.request, type="error"
                    )
                return self.request.response.redirect(
                    self.case_url(refused=action) + "#next-step"
                )
            api.portal.show_message(_error_message(error), self.request, type="error")
            return self.request.response.redirect(self.case_url())
        api.portal.show_message(done, self.request)
        return self.request.response.redirect(self.case_url())

    def contribute(self):
        text = (self.request.form.get("text") or "").strip()
        if not workspace.can_add(self.context, "Contribution"):
            raise Unauthorized(_("You may not contribute to this case now."))
        if not text:
            return self.back_to_case(
                _(
                    "Your contribution is empty: write your opinion, questions or "
                    "advice in the box, then add it."
                )
            )
        schema_field = _schema_field("Contribution", "text")
        try:
            schema_field.validate(text)
        except ValidationError as error:  # a FieldError names the field and the fix
            return self.back_to_case(error.doc())
        api.content.create(
            container=self.context, type="Contribution", title="Contribution", text=text
        )
        api.portal.show_message(_("Your contribution is added."), self.request)
        return self.request.response.redirect(self.case_url() + "#discussion")

    def back_to_case(self, error):
        """The case page again, with the error and what was typed (not lost)."""
        view = api.content.get_view("view", self.context, self.request)
        view.error = error
        return view()


def _schema_field(portal_type, name):
    fti = api.portal.get_tool("portal_types")[portal_type]
    return fti.lookupSchema()[name]


def _error_message(error):
    """A refusal's message as raised: a translatable message stays one."""
    return error.args[0] if error.args else str(error)
