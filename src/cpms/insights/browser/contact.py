"""The clinicians' side of contact requests, without the REST API.

``<case>/@@ask-for-contact`` takes the form of the case page's insights
block (a token and a message) and sends the request; ``/@@contact-requests``
lists the requests one sent and those addressed to one, with Accept and
Decline for the latter (the link in the mail leads here). Both are POST
forms with plone.protect's token; after a change the page redirects, so a
reload never repeats it.
"""

from datetime import datetime

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized
from zope.i18n import translate

from cpms import _
from cpms.core import i18n
from cpms.insights import contact

STATE_LABELS = {
    contact.PENDING: _("Waiting for an answer"),
    contact.ACCEPTED: _("Accepted"),
    contact.DECLINED: _("Declined"),
}


def _error_text(error, request) -> str:
    return translate(error.web, context=request)


class AskForContact(BrowserView):
    """POST from the case page: ask the clinicians of a case elsewhere."""

    def __call__(self):
        back = f"{self.context.absolute_url()}#insights"
        if self.request.method != "POST":
            return self.request.response.redirect(back)
        CheckAuthenticator(self.request)
        form = self.request.form
        try:
            contact.send_request(
                self.context, form.get("token", ""), form.get("message", "")
            )
        except contact.ContactRequestError as error:
            api.portal.show_message(
                _error_text(error, self.request), self.request, type="error"
            )
        else:
            api.portal.show_message(
                _(
                    "Your request for contact was sent. You will see the answer "
                    "under Contact requests."
                ),
                self.request,
            )
        return self.request.response.redirect(back)


class ContactRequestsPage(BrowserView):
    """The requests one sent and received; Accept and Decline."""

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized(_("Log in to see your contact requests."))
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            form = self.request.form
            decision = form.get("decision")
            if decision in ("accept", "decline"):
                try:
                    contact.decide(form.get("request_id", ""), decision == "accept")
                except contact.ContactRequestError as error:
                    api.portal.show_message(
                        _error_text(error, self.request), self.request, type="error"
                    )
                else:
                    api.portal.show_message(
                        _(
                            "Request accepted: you now see each other's case id "
                            "and contact."
                        )
                        if decision == "accept"
                        else _(
                            "Request declined. They are told only that you declined."
                        ),
                        self.request,
                    )
                return self.request.response.redirect(
                    f"{self.context.absolute_url()}/{contact.PAGE}"
                )
        return self.index()

    def _language(self) -> str:
        return i18n.request_language(self.request)

    def _readable(self, iso: str | None) -> str:
        if not iso:
            return ""
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        return i18n.format_date(moment, self._language())

    def _shown(self, entry: dict) -> dict:
        return {
            **entry,
            "state_label": STATE_LABELS.get(entry["state"], entry["state"]),
            "created_label": self._readable(entry["created"]),
            "decided_label": self._readable(entry.get("decided")),
            "pending": entry["state"] == contact.PENDING,
            "accepted": entry["state"] == contact.ACCEPTED,
        }

    def requests(self) -> dict:
        userid = api.user.get_current().getId()
        found = contact.listing(userid)
        return {
            "sent": [self._shown(e) for e in found["sent"]],
            "received": [self._shown(e) for e in found["received"]],
        }
