"""``POST <case>/@contact-requests`` ``{"token", "message"}``: ask the
enrolling clinicians of a similar case one cannot see for contact (201).

``POST /@contact-requests/<id>/accept`` and ``.../decline``: the enrolling
clinician of the case asked about answers (200).
"""

from AccessControl import getSecurityManager
from plone.restapi.services import Service
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from cpms.cases.content.case import ICase
from cpms.core.services import NotFound
from cpms.core.services import disable_csrf_check
from cpms.core.services import json_object
from cpms.insights import contact
from cpms.insights.services.contact_requests.errors import as_http_error

DECISIONS = {"accept": True, "decline": False}


@implementer(IPublishTraverse)
class ContactRequestsPost(Service):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def reply(self):
        disable_csrf_check(self.request)
        userid = getSecurityManager().getUser().getId()
        try:
            if not self.params and ICase.providedBy(self.context):
                data = json_object(self.request)
                stored = contact.send_request(
                    self.context, data.get("token"), data.get("message") or ""
                )
                self.request.response.setStatus(201)
                return contact.view_of(stored, userid)
            if len(self.params) == 2 and self.params[1] in DECISIONS:
                stored = contact.decide(self.params[0], DECISIONS[self.params[1]])
                return contact.view_of(stored, userid)
        except contact.ContactRequestError as error:
            raise as_http_error(error) from None
        raise NotFound(
            "Ask from your case (POST <case>/@contact-requests), answer with "
            "POST /@contact-requests/<id>/accept or /decline."
        )
