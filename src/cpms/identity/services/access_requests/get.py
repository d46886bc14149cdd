"""``GET /@access-requests``: one's own requests; for coordinators the
queue of pending requests (``?review_state=approved`` or ``rejected`` for
the others)."""

from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized
from zope.i18n import translate

from cpms import _
from cpms.core import permissions
from cpms.identity import states
from cpms.identity.access_requests import pending_requests
from cpms.identity.access_requests import requests_of
from cpms.identity.services.access_requests.serialize import serialize_request


class AccessRequestsGet(Service):
    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized(
                translate(
                    _("Log in to see your access requests."), context=self.request
                )
            )
        if api.user.has_permission(
            permissions.REVIEW_ACCESS_REQUESTS, obj=self.context
        ):
            state = self.request.form.get("review_state", states.PENDING)
            if state == states.PENDING:
                objs = pending_requests()
            else:
                catalog = api.portal.get_tool("portal_catalog")
                objs = [
                    b.getObject()
                    for b in catalog(
                        portal_type="AccessRequest",
                        review_state=state,
                        sort_on="created",
                    )
                ]
        else:
            objs = requests_of(api.user.get_current().getId())
        items = [serialize_request(o) for o in objs]
        return {"@id": self.request.URL, "items": items, "items_total": len(items)}
