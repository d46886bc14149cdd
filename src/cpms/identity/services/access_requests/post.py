"""``POST /@access-requests``: ask for a profile at a member provider."""

from plone import api
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.i18n import translate

from cpms import _
from cpms.core.services import disable_csrf_check
from cpms.core.services import json_object
from cpms.identity.access_requests import AccessRequestError
from cpms.identity.access_requests import create_access_request
from cpms.identity.services.access_requests.serialize import serialize_request


class AccessRequestsPost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        if api.user.is_anonymous():
            raise Unauthorized(
                translate(_("Log in before requesting access."), context=self.request)
            )
        data = json_object(self.request)
        try:
            obj = create_access_request(data)
        except AccessRequestError as exc:
            # "field: problem; field: problem", every field that failed.
            raise BadRequest(str(exc)) from None
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", obj.absolute_url())
        return serialize_request(obj)
