"""What the transitions of ``cpms_referral_workflow`` do besides changing state.

- ``request_info`` and ``decline`` need a message (the transition comment);
  it is emailed to the referrer, and a decline keeps it as ``decline_reason``.
- ``accept`` creates a draft ``Case`` from the referral and invites the
  referrer to it as a guest clinician (cpms.referrals.invitations). The
  coordinator who accepts is recorded as such (``accepted_by`` on the
  referral and the case, and the case's audit trail), not as the case's
  enrolling clinician: they do not become its Owner.

Mails go out after commit (cpms.core.mail): a mail server that is down
never undoes a decision.
"""

from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException

from cpms import _
from cpms import logger
from cpms.cases.case_id import create_case as create_case_with_id
from cpms.collaboration import panel as panel_api
from cpms.core import audit
from cpms.core import i18n
from cpms.core import mail
from cpms.core.users import fullname
from cpms.referrals import invitations
from cpms.referrals import states
from cpms.referrals.actions import term_title
from cpms.referrals.mail import referrer_language
from cpms.referrals.mail import site_title

CASES = "cases"

MESSAGE_REQUIRED = {
    states.DECLINE: _(
        "A reason is required to decline a referral: it is sent to the referrer."
    ),
    states.REQUEST_INFO: _(
        "Say what information you need: the message is sent to the referrer."
    ),
}


def comment_of(event) -> str:
    return ((event.kwargs or {}).get("comment") or "").strip()


def check_message(referral, event):
    """Refuse request_info/decline without a message (before the state changes)."""
    transition = event.transition
    needs_message = transition is not None and transition.id in MESSAGE_REQUIRED
    if needs_message and not comment_of(event):
        raise WorkflowException(
            i18n.translate_to(MESSAGE_REQUIRED[transition.id], i18n.request_language())
        )


def after_transition(referral, event):
    transition = event.transition
    if transition is None:
        return
    comment = comment_of(event)
    if transition.id == states.DECLINE:
        referral.decline_reason = comment
        tell_referrer(
            referral,
            _(
                "Your referral ${id}: the network cannot take the case",
                mapping={"id": referral.getId()},
            ),
            [
                _(
                    "the network's coordinators reviewed your referral and "
                    "cannot take the case, for this reason:"
                ),
                "",
                comment,
                "",
                _(
                    "The national contact point for cross-border healthcare of "
                    "your country can tell you which other options exist."
                ),
            ],
        )
    elif transition.id == states.REQUEST_INFO:
        tell_referrer(
            referral,
            _(
                "Your referral ${id}: more information needed",
                mapping={"id": referral.getId()},
            ),
            [
                _(
                    "to review your referral, the network's coordinators need "
                    "more information:"
                ),
                "",
                comment,
                "",
                _(
                    "Please answer through the helpdesk form of the portal, "
                    "giving your reference, and without the patient's name or "
                    "other identifiers."
                ),
                f"{api.portal.get().absolute_url()}/helpdesk",
            ],
        )
    elif transition.id == states.ACCEPT:
        accept(referral)
    referral.reindexObject()


def tell_referrer(referral, subject, lines: list) -> None:
    """Mail the referrer in their language; ``lines`` are messages (translated)
    or text (the coordinator's own words, a link: sent as they are)."""
    helpdesk = api.portal.get_registry_record("cpms.helpdesk_email", default="")
    say = i18n.translator(referrer_language(referral))
    text = "\n".join(
        [
            say(_("Dear ${name},"), name=referral.clinician_name),
            "",
            *(say(line) for line in lines),
            "",
            f"-- {site_title()}",
        ]
    )
    mail.send(referral.clinician_email, say(subject), text, reply_to=helpdesk or None)


def country_title(referral) -> str:
    # The case's nickname is stored text: the country's English name.
    return str(
        term_title("cpms.vocabularies.eu_eea_countries", referral.country, referral)
    )


def taking_centre(referral) -> str | None:
    """The UID of the member centre that takes the referred case: the first
    (by name) covering the referral's expertise area. The case's referring
    centre must be a member centre, which the outside referrer's hospital is
    not (it stays on the referral); so the guest completing the draft is
    never asked to choose a centre they do not belong to. Staff may change
    it on the case."""
    try:
        area = panel_api.find_area(referral.expertise_area or "")
    except panel_api.PanelError:
        return None
    covering = sorted(panel_api.providers_covering(area), key=lambda p: p.Title())
    return covering[0].UID() if covering else None


def create_case(referral):
    """A draft case with what the referral told us; the rest (sex, age,
    coding, consent) is for the guest and the coordinator to complete.

    The case holds no direct identifier: only the clinical text, the
    expertise area and the urgency come over; who referred it stays on the
    referral (and in the guest grant).
    """
    case = create_case_with_id(
        api.portal.get()[CASES],
        nickname=f"Referred from {country_title(referral)}",
        urgent=referral.urgency == "urgent",
        expertise_area=referral.expertise_area,
        referring_hcp=taking_centre(referral),
        clinical_summary=referral.summary,
        clinical_question=referral.question or "",
        referring_clinician=invitations.userid_for(referral.clinician_email) or "",
    )
    logger.info("Case %s created from referral %s", case.getId(), referral.getId())
    return case


def record_acceptance(referral, case, actor: str) -> None:
    """The accepting coordinator created the case on the referrer's behalf:
    they keep their coordinator's rights, but are not its enrolling clinician
    (Owner): the referrer completes it as its guest clinician."""
    # A new case: its only local role is its creator's Owner.
    owners = [principal for principal, roles in case.get_local_roles()]
    if owners:
        case.manage_delLocalRoles(owners)
    case.accepted_by = actor
    referral.accepted_by = actor
    audit.record(
        case,
        "referral_accepted",
        f"Created from referral {referral.getId()}, accepted by "
        f"{fullname(actor) or 'the system'}.",
        actor=actor,
    )
    case.reindexObjectSecurity()
    case.reindexObject()
    # Authorship names the enrolling clinician, and nobody enrolled this case
    # (after the full reindex above, which would add the current user).
    case.setCreators(())
    case.reindexObject(idxs=["Creator"])


def accept(referral):
    actor = api.user.get_current().getId() or ""
    case = create_case(referral)
    record_acceptance(referral, case, actor)
    referral.case_uid = case.UID()
    referral.guest_invitation = invitations.invite(referral, case)
