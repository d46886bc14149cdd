"""The rules of cpms_case_workflow that a permission cannot express.

Who may fire a transition is the workflow's business (guard permissions,
mapped per state in cpms.cases.workflow_definitions). *Whether
the case is ready* is checked here, in an ``IBeforeTransitionEvent``
subscriber that raises ``WorkflowException`` with a message naming what is
missing. Why not a guard expression: a failing guard only hides the
transition and nobody learns why; an exception reaches the user:

- REST: ``POST <case>/@workflow/submit`` answers 400
  ``{"type": "BadRequest", "message": "..."}`` (cpms.core.services.workflow:
  plone.restapi's service, refusals in the portal's one error shape);
- web UI: ``cpms.cases.browser.workflow`` turns it into a status message.

The transition is then not executed (the event comes before the state
change), so nothing is half-done.

Also here: the consequences of a transition (``IAfterTransitionEvent``):
signing a report records who and when; withdrawing the care consent
withdraws the case.
"""

from datetime import UTC
from datetime import date
from datetime import datetime

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from plone.dexterity.utils import iterSchemata
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.component import queryAdapter
from zope.schema import getFieldsInOrder

from cpms import _
from cpms.cases import states
from cpms.cases.content.case import ICase
from cpms.cases.interfaces import ICaseExternalExperts
from cpms.core import audit
from cpms.core import permissions
from cpms.core import roles
from cpms.core.i18n import translate_here

MIN_EXPERTS = 2

# Field names of the case items (cpms.cases.content).
CONSENT_KIND_CARE = "care"


# --- what the rules look at ---------------------------------------------


def _children(case, portal_type):
    return [obj for obj in case.objectValues() if obj.portal_type == portal_type]


def review_state(obj):
    return api.content.get_state(obj=obj, default=None)


def consent_is_withdrawn(consent):
    return review_state(consent) == states.CONSENT_WITHDRAWN or bool(
        getattr(consent, "withdrawn", False)
    )


def valid_care_consents(case):
    return [
        c
        for c in _children(case, "ConsentRecord")
        if getattr(c, "kind", None) == CONSENT_KIND_CARE and not consent_is_withdrawn(c)
    ]


def missing_fields(case):
    """Titles of the required fields (any schema of the type) left empty."""
    missing = []
    for schema in iterSchemata(case):
        for name, field in getFieldsInOrder(schema):
            if not field.required or field.readonly:
                continue
            value = getattr(schema(case, None), name, None)
            if value is None or value in ("", [], (), set(), frozenset()):
                missing.append(field.title)  # a message: translated where shown
    return missing


def signed_reports(case):
    return [
        r
        for r in _children(case, "OutcomeReport")
        if review_state(r) == states.REPORT_SIGNED
    ]


def expert_contributors(case):
    """Distinct panel lead/members who wrote at least one contribution.

    An expert of another network counts when the contribution was written
    while their grant was live, also after it ended by its date; a revoked
    grant counts no more, as a member removed from the panel
    (``ICaseExternalExperts``, kept by the identity slice).
    """
    experts = set()
    external = queryAdapter(case, ICaseExternalExperts) or {}
    for contribution in _children(case, "Contribution"):
        author = contribution.Creator() or contribution.getOwner().getId()
        if set(case.get_local_roles_for_userid(author)) & set(roles.EXPERT_ROLES):
            experts.add(author)
        elif author in external:
            start, end = external[author]
            written = contribution.created().asdatetime()
            if start <= written < end:
                experts.add(author)
    return experts


def submit_problems(case):
    problems = []
    if not valid_care_consents(case):
        problems.append(
            translate_here(
                _(
                    "a recorded care consent (add a Consent record of kind 'care' "
                    "that is not withdrawn)"
                )
            )
        )
    fields = missing_fields(case)
    if fields:
        problems.append(
            translate_here(
                _(
                    "the required fields: ${fields}",
                    mapping={"fields": ", ".join(translate_here(f) for f in fields)},
                )
            )
        )
    return problems


def close_problems(case):
    problems = []
    if not signed_reports(case):
        problems.append(translate_here(_("an outcome report signed by the panel lead")))
    experts = expert_contributors(case)
    if len(experts) < MIN_EXPERTS:
        problems.append(
            translate_here(
                _(
                    "contributions from at least ${count} different experts of the "
                    "panel (now ${now})",
                    mapping={"count": MIN_EXPERTS, "now": len(experts)},
                )
            )
        )
    return problems


# --- before a transition: refuse with a message --------------------------


def _comment(event):
    return (event.kwargs or {}).get("comment", "").strip()


def check_case_transition(case, event):
    if event.transition is None or event.workflow.getId() != states.CASE_WORKFLOW_ID:
        return
    transition = event.transition.getId()
    if transition == states.SUBMIT:
        problems = submit_problems(case)
        if problems:
            raise WorkflowException(
                translate_here(
                    _(
                        "The case cannot be submitted yet. It needs ${problems}.",
                        mapping={"problems": "; ".join(problems)},
                    )
                )
            )
    elif transition == states.REQUEST_INFO:
        if not _comment(event):
            raise WorkflowException(
                translate_here(
                    _(
                        "Say what information is needed: request_info needs a "
                        "comment, which is shown to the enrolling clinician."
                    )
                )
            )
    elif transition == states.CLOSE:
        problems = close_problems(case)
        if not problems:
            return
        may_override = api.user.has_permission(
            permissions.OVERRIDE_CLOSE_RULE, obj=case
        )
        reason = _comment(event)
        if may_override and reason:
            audit.record(
                case,
                "close_override",
                f"Closed without {'; '.join(problems)}. Reason: {reason}",
            )
            return
        message = translate_here(
            _(
                "The case cannot be closed yet. It needs ${problems}.",
                mapping={"problems": "; ".join(problems)},
            )
        )
        if may_override:
            message += " " + translate_here(
                _(
                    "As a coordinator you may override this rule: close again "
                    "with the reason as comment (it is recorded)."
                )
            )
        raise WorkflowException(message)


def check_report_signing(report, event):
    """Who may sign is the permission's business (the panel lead, while the
    case is in discussion); this refuses clearly where it would not apply."""
    if event.transition is None or event.transition.getId() != states.SIGN:
        return
    case = aq_parent(aq_inner(report))
    if review_state(case) != states.IN_DISCUSSION:
        raise WorkflowException(
            translate_here(_("Only a case in discussion can have its report signed."))
        )


# --- after a transition: consequences ------------------------------------


def report_signed(report, event):
    if event.transition is None or event.transition.getId() != states.SIGN:
        return
    report.signed_by = api.user.get_current().getId()
    report.signed_on = datetime.now(UTC)
    report.reindexObject()


def consent_withdrawn(consent, event):
    if event.transition is None or event.transition.getId() != states.WITHDRAW_CONSENT:
        return
    consent.withdrawn = True
    if getattr(consent, "withdrawal_date", None) is None:
        consent.withdrawal_date = date.today()
    consent.reindexObject()
    case = aq_parent(aq_inner(consent))
    kind = getattr(consent, "kind", None)
    audit.record(
        case, "consent_withdrawn", f"{kind or 'unknown'} consent {consent.getId()}"
    )
    if kind != CONSENT_KIND_CARE or review_state(case) not in states.OPEN_STATES:
        return
    # The patient's decision locks the case, whoever records it: the case's
    # own withdraw guard is not the recorder's to satisfy.
    with api.env.adopt_roles([roles.MANAGER]):
        api.content.transition(
            obj=case,
            transition=states.WITHDRAW,
            comment="The care consent was withdrawn.",
        )


def consent_modified(consent, event):
    """'Withdrawn' ticked in the edit form withdraws the consent too."""
    if not getattr(consent, "withdrawn", False):
        return
    if review_state(consent) != states.CONSENT_RECORDED:
        return
    with api.env.adopt_roles([roles.MANAGER]):
        api.content.transition(obj=consent, transition=states.WITHDRAW_CONSENT)


def last_info_request(case):
    """The message of the request_info that sent the case back, while it is
    a draft: {'comment', 'actor', 'time'} or None."""
    if review_state(case) != states.DRAFT:
        return None
    history = case.workflow_history.get(states.CASE_WORKFLOW_ID, ())
    if not history or history[-1].get("action") != states.REQUEST_INFO:
        return None
    entry = history[-1]
    return {
        "comment": entry.get("comments", ""),
        "actor": entry.get("actor", ""),
        "time": entry.get("time"),
    }


# --- items of a case: no local roles of their own ------------------------


def drop_creator_ownership(obj, event):
    """An item added inside a case keeps no local Owner role of its creator.

    Everything in a case follows the case's local roles: without this, an
    expert would keep seeing (as Owner) the contributions and report they
    wrote after the case was withdrawn, and a report's author could edit it
    where the case says only the lead may. Authorship stays in Creators.
    """
    if event.newParent is None or not ICase.providedBy(aq_inner(event.newParent)):
        return
    owners = [
        principal
        for principal, roles in obj.get_local_roles()
        if "Owner" in roles and len(roles) == 1
    ]
    if owners:
        obj.manage_delLocalRoles(owners)
        obj.reindexObjectSecurity()
