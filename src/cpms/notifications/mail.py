"""The panel's notification mails: what each kind says, and who gets it how.

A mail says what happened and links to the case.  It never carries clinical
detail: only the case's ERN id and nickname name the case (mail leaves the
portal's protection, so it must be harmless if it reaches the wrong inbox).

Composing is here; sending is cpms.core.mail's (after commit, CRLF, the
registry's subject prefix), and the daily digest is cpms.notifications.digest.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from plone import api
from zope.i18nmessageid import Message

from cpms import _
from cpms import logger
from cpms.cases.utils import case_label
from cpms.core import i18n
from cpms.core import mail
from cpms.core.users import email_of
from cpms.notifications import digest
from cpms.notifications import preferences

# kind -> (subject, first line of the body); ${names} are filled per mail.
KINDS = {
    "invitation": (
        _("Invitation to the panel of case ${label}"),
        _("You were invited to the expert panel of case ${label}."),
    ),
    "request_info": (
        _("More information requested for case ${label}"),
        _(
            "The panel asks for more information on case ${label}. "
            "The case is back with you to complete."
        ),
    ),
    "contribution": (
        _("New contribution on case ${label}"),
        _("${actor} added a contribution to case ${label}."),
    ),
    "meeting_scheduled": (
        _("Meeting scheduled for case ${label}"),
        _("A panel meeting on case ${label} was scheduled: ${when}."),
    ),
    "meeting_changed": (
        _("Meeting changed for case ${label}"),
        _("The panel meeting on case ${label} was changed: ${when}."),
    ),
    "report_signed": (
        _("Outcome report signed for case ${label}"),
        _("The outcome report of case ${label} was signed by ${actor}."),
    ),
    "case_closed": (
        _("Case ${label} closed"),
        _("The panel of case ${label} was closed."),
    ),
    "removed": (
        _("Removed from the panel of case ${label}"),
        _("You are no longer a member of the panel of case ${label}."),
    ),
    "case_submitted": (
        _("Case ${label} submitted"),
        _(
            "${actor} submitted case ${label}. It waits for a coordinator to "
            "assemble and open its panel."
        ),
    ),
    "case_submitted_urgent": (
        _("URGENT: case ${label} submitted"),
        _(
            "${actor} submitted case ${label}, marked URGENT: the panel should "
            "answer within days. It waits for a coordinator to assemble and open "
            "its panel."
        ),
    ),
    "lead_appointed": (
        _("You lead the panel of case ${label}"),
        _(
            "${actor} appointed you lead of the expert panel of case ${label}. You "
            "guide the discussion, write and sign the outcome report, and close "
            "the case."
        ),
    ),
    "lead_replaced": (
        _("New lead for the panel of case ${label}"),
        _(
            "${actor} appointed ${lead} lead of the panel of case ${label}. You stay "
            "a member of the panel."
        ),
    ),
    "guest_granted": (
        _("Guest access to case ${label}"),
        _(
            "${actor} gave you access to case ${label} as a guest clinician, "
            "until ${until}."
        ),
    ),
    "guest_extended": (
        _("Your guest access to case ${label} changed"),
        _("Your access to case ${label} as a guest clinician now ends on ${until}."),
    ),
    "guest_revoked": (
        _("Your guest access to case ${label} ended"),
        _("Your access to case ${label} as a guest clinician was ended."),
    ),
}


@dataclass
class Notice:
    """What a mail of ``kind`` says, rendered per recipient's language.

    ``values`` fill the texts' ``${names}``: strings as they are, dates
    written in the reader's locale, and callables (``language -> str``) for
    what is worded per language (a meeting's time span).
    """

    kind: str
    values: dict
    url: str
    attachments: list = field(default_factory=list)  # (filename, mimetype, bytes)

    def _mapping(self, language: str) -> dict:
        mapping = {}
        for name, value in self.values.items():
            if callable(value):
                value = value(language)
            elif isinstance(value, date | datetime):
                value = i18n.format_date(value, language)
            elif isinstance(value, Message):
                value = i18n.translate_to(value, language)
            mapping[name] = value
        return mapping

    def _text(self, msg, language: str) -> str:
        return i18n.translate_to(
            Message(msg, mapping=self._mapping(language)), language
        )

    def subject_in(self, language: str) -> str:
        """The subject without the portal's prefix (cpms.core.mail adds it)."""
        return self._text(KINDS[self.kind][0], language)

    def summary_in(self, language: str) -> str:
        """The first line: what happened (also the digest's line)."""
        return self._text(KINDS[self.kind][1], language)

    def text_in(self, language: str) -> str:
        site = api.portal.get_registry_record("plone.site_title", default="CPMS portal")
        settings = f"{api.portal.get().absolute_url()}/@@notification-settings"

        def say(msg, **mapping) -> str:
            return i18n.translate_to(Message(msg, mapping=mapping), language)

        return "\n".join(
            [
                self.summary_in(language),
                "",
                say(_("Open the case: ${url}"), url=self.url),
                "",
                say(
                    _(
                        "This message names the case only by its ERN id and "
                        "nickname. Clinical details stay in the portal; log in "
                        "to read them."
                    )
                ),
                "",
                f"-- {site}",
                say(_("Change how you receive these mails: ${url}"), url=settings),
            ]
        )

    # English, the site's default reading, for callers and logs.
    @property
    def subject(self) -> str:
        return self.subject_in(i18n.site_language())

    @property
    def text(self) -> str:
        return self.text_in(i18n.site_language())


def compose(kind: str, case, url: str | None = None, **info) -> Notice:
    """The notice of ``kind`` about ``case``.

    ``actor`` is the acting user's full name (cpms.core.users.fullname);
    without one the mail says "Someone" (in the reader's language).
    """
    values = {"label": case_label(case), "when": "", "actor": "", "until": ""} | info
    values["actor"] = values["actor"] or _("Someone")
    return Notice(kind, values, url or case.absolute_url())


def notify(userids, notice: Notice, exclude=(), immediate=False) -> list[str]:
    """Send ``notice`` to each user by their chosen mode; returns who got it.

    Each user reads it in their preferred language (personal preferences;
    the site default without one).  Digest users get the notice queued for
    the daily digest; attachments (an .ics) are not kept for the digest: it
    links to the case instead.  ``immediate`` sends at once to everyone (an
    urgent case cannot wait for tomorrow's digest).
    """
    done = []
    for userid in sorted(set(userids) - set(exclude)):
        address = email_of(userid)
        if not address:
            logger.warning("No mail address for %s: %s not sent", userid, notice.kind)
            continue
        language = i18n.user_language(userid)
        if not immediate and preferences.get_mode(userid) == preferences.DIGEST:
            digest.queue(userid, notice.summary_in(language), notice.url)
        else:
            mail.send(
                address,
                notice.subject_in(language),
                notice.text_in(language),
                notice.attachments,
            )
        done.append(userid)
    return done
