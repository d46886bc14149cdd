"""Custom collective.easyform actions of the referral and helpdesk forms.

An easyform stores its actions as a supermodel XML string; each action's
``type`` there is the dotted name of its class, under which an action factory
(for the form editor) and a supermodel handler are registered
(``configure.zcml``).  Keep these class paths stable: stored forms name them.

- ``SpamGuard`` runs first and stops the submission of a robot;
- ``CreateReferral`` turns a referral submission into a ``Referral``;
- ``HelpdeskMailer`` is easyform's mailer, sent to the helpdesk address of
  the registry, after the data is committed.

Mail goes out through cpms.core.mail (after commit, CRLF line ends).
"""

from datetime import date

from collective.easyform.actions import Action
from collective.easyform.actions import ActionFactory
from collective.easyform.actions import Mailer
from collective.easyform.api import get_context
from collective.easyform.config import FORM_ERROR_MARKER
from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.supermodel.exportimport import BaseHandler
from zope.component import getUtility
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.schema.interfaces import IVocabularyFactory

from cpms import _
from cpms import logger
from cpms.core import i18n
from cpms.core import mail
from cpms.core.roles import COORDINATOR
from cpms.referrals import mail as referral_mail
from cpms.referrals import validators

HONEYPOT = "leave_empty"
STARTED = "started"  # the hidden field with the signed time
REFERRALS = "referrals"


def spam_problem(fields: dict) -> str | None:
    """Why a submission looks automated, or None."""
    if fields.get(HONEYPOT):
        return _("This field must stay empty.")
    age = validators.token_age(fields.get(STARTED) or "")
    if age is None:
        return _(
            "The form could not be checked. Please reload the page and send it again."
        )
    if age < validators.min_fill_seconds():
        return _(
            "That was very fast. Please check your answers and send the form again."
        )
    return None


class SpamGuard(Action):
    """Refuses a submission with the honeypot filled or sent too fast."""

    def onSuccess(self, fields, request):
        problem = spam_problem(fields)
        if problem:
            logger.info("Form %s refused as spam", get_context(self).absolute_url())
            return {FORM_ERROR_MARKER: translate(problem, context=request)}


def term_title(vocabulary: str, value, context):
    if not value:
        return ""
    try:
        title = getUtility(IVocabularyFactory, vocabulary)(context).getTerm(value).title
        # A catalogue message stays one, so each mail translates it for its
        # reader; other titles (names of places) are text.
        return title if isinstance(title, Message) else str(title)
    except LookupError:
        return str(value)


def new_referral_id(container) -> str:
    stem = f"referral-{date.today():%Y%m%d}"
    number = 1
    while f"{stem}-{number}" in container:
        number += 1
    return f"{stem}-{number}"


def create_referral(fields: dict, referral_id: str | None = None):
    """A ``Referral`` in /referrals, in the workflow's initial state.

    The visitor is anonymous: the form is the only way in, so the item is made
    without an add-permission check (the workflow hides it from the public).
    """
    container = api.portal.get()[REFERRALS]
    referral_id = referral_id or new_referral_id(container)
    country = term_title(
        "cpms.vocabularies.eu_eea_countries", fields["country"], container
    )
    # Mails to a referrer without an account are written in the language
    # they sent the form in.
    language = i18n.request_language()
    referral = createContentInContainer(
        container,
        "Referral",
        checkConstraints=False,
        id=referral_id,
        title=f"Referral {referral_id}: {fields['provider']} ({country})",
        clinician_name=fields["clinician_name"],
        clinician_email=fields["clinician_email"].strip(),
        provider=fields["provider"],
        country=fields["country"],
        expertise_area=fields.get("expertise_area"),
        urgency=fields.get("urgency") or "routine",
        summary=fields["summary"],
        question=fields.get("question"),
        consent_willing=bool(fields.get("consent")),
    )
    referral.referrer_language = language
    # No local role for whoever happened to submit (anonymous or not): the
    # workflow alone decides who sees a referral.
    for principal, _roles in referral.get_local_roles():
        referral.manage_delLocalRoles([principal])
    referral.reindexObjectSecurity()
    return referral


def coordinator_addresses() -> list[str]:
    extra = (
        api.portal.get_registry_record("cpms.referral_notify_emails", default=()) or ()
    )
    return sorted(set(referral_mail.role_addresses(COORDINATOR)) | set(extra))


def announce(referral) -> None:
    """Coordinators hear of the referral, the referrer gets an acknowledgement.

    Neither mail carries the clinical summary: it stays in the portal.
    """
    area = term_title(
        "cpms.vocabularies.expertise_areas", referral.expertise_area, referral
    )
    urgency = term_title(
        "cpms.vocabularies.referral_urgency", referral.urgency, referral
    )
    country = term_title(
        "cpms.vocabularies.eu_eea_countries", referral.country, referral
    )
    site = referral_mail.site_title()
    for address in coordinator_addresses():
        say = i18n.translator(i18n.address_language(address))
        subject = (
            _("New referral ${id} (urgent)", mapping={"id": referral.getId()})
            if referral.urgency == "urgent"
            else _("New referral ${id}", mapping={"id": referral.getId()})
        )
        mail.send(
            address,
            say(subject),
            "\n".join(
                [
                    say(
                        _(
                            "A clinician of ${provider} (${country}) asks the "
                            "network for advice."
                        ),
                        provider=referral.provider,
                        country=country,
                    ),
                    "",
                    say(
                        _("Expertise area: ${area}"),
                        area=area or say(_("not given")),
                    ),
                    say(_("Urgency: ${urgency}"), urgency=say(urgency)),
                    "",
                    say(
                        _("Review it (log in first): ${url}"),
                        url=referral.absolute_url(),
                    ),
                    "",
                    say(_("The clinical summary stays in the portal.")),
                    f"-- {site}",
                ]
            ),
        )
    helpdesk = api.portal.get_registry_record("cpms.helpdesk_email", default="")
    say = i18n.translator(referral_mail.referrer_language(referral))
    mail.send(
        referral.clinician_email,
        say(_("We received your referral (${id})"), id=referral.getId()),
        "\n".join(
            [
                say(_("Dear ${name},"), name=referral.clinician_name),
                "",
                say(
                    _(
                        "thank you for referring a patient to the network. Your "
                        "reference is ${id}."
                    ),
                    id=referral.getId(),
                ),
                "",
                say(
                    _(
                        "A coordinator will check whether the network's experts "
                        "can advise on the case. We may write to you for more "
                        "information. If the network accepts the case, you will "
                        "get an invitation to present it to the expert panel in "
                        "the portal, where you will record the patient's consent "
                        "and upload the medical records."
                    )
                ),
                "",
                say(_("Please do not reply with patient data by email.")),
                say(_("Questions: ${address}"), address=helpdesk) if helpdesk else "",
                "",
                f"-- {site}",
            ]
        ),
    )


class CreateReferral(Action):
    """Stores a referral submission as a ``Referral`` and sends the mails."""

    def onSuccess(self, fields, request):
        problem = spam_problem(fields)
        if problem:
            return {FORM_ERROR_MARKER: translate(problem, context=request)}
        referral = create_referral(fields)
        announce(referral)
        logger.info("Referral %s received", referral.getId())
        api.portal.show_message(
            _(
                "Your reference is ${id}.",
                mapping={"id": referral.getId()},
            ),
            request=request,
        )


def helpdesk_address() -> str:
    return api.portal.get_registry_record("cpms.helpdesk_email", default="") or ""


class HelpdeskMailer(Mailer):
    """easyform's mailer, to ``cpms.helpdesk_email``, sent after commit.

    Sending after commit keeps the submission (saved by the save-data
    action) when the mail server is down.  The message keeps the visitor's
    own subject, without the portal's prefix: it is the visitor's message
    relayed, and the helpdesk answers it on that thread (Reply-To).
    """

    def get_addresses(self, fields, request, context, from_addr=None, to_addr=None):
        return super().get_addresses(
            fields, request, context, from_addr, to_addr or helpdesk_address()
        )

    def onSuccess(self, fields, request):
        context = get_context(self)
        mail.send_message(self.get_mail_text(fields, request, context))


SpamGuardAction = ActionFactory(
    SpamGuard, _("Spam guard (honeypot and time check)"), "cmf.ManagePortal"
)
CreateReferralAction = ActionFactory(
    CreateReferral, _("Create a referral"), "cmf.ManagePortal"
)
HelpdeskMailerAction = ActionFactory(
    HelpdeskMailer,
    _("Mailer to the helpdesk address"),
    "collective.easyform.AddMailers",
)
SpamGuardHandler = BaseHandler(SpamGuard)
CreateReferralHandler = BaseHandler(CreateReferral)
HelpdeskMailerHandler = BaseHandler(HelpdeskMailer)
