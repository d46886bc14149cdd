"""REST endpoints of identity and access (see docs/api.md).

- ``GET/POST /@access-requests``: one's own requests (coordinators: the
  pending queue) / ask for access.  Decisions go through the standard
  ``@workflow/approve`` and ``@workflow/reject`` of each request.
- ``GET/POST/PATCH/DELETE /@guests``: live guest grants; grant, extend,
  revoke (coordinators).  ``POST /@guests-purge``: the clock's job over HTTP.
"""

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides

from cpms.identity import guests
from cpms.identity.access_requests import AccessRequestError
from cpms.identity.access_requests import create_access_request
from cpms.identity.access_requests import pending_requests
from cpms.identity.access_requests import requests_of


def _error(request, status, message, errors=None):
    request.response.setStatus(status)
    error = {"type": "BadRequest" if status == 400 else "Error", "message": message}
    if errors:
        error["errors"] = errors
    return {"error": error}


def serialize_request(obj) -> dict:
    return {
        "@id": obj.absolute_url(),
        "id": obj.getId(),
        "UID": obj.UID(),
        "title": obj.Title(),
        "review_state": api.content.get_state(obj),
        "requester": obj.requester,
        "healthcare_provider": obj.healthcare_provider,
        "healthcare_provider_title": obj.provider_title(),
        "profile": obj.profile,
        "justification": obj.justification,
        "decision_message": obj.decision_message or "",
        "created": obj.created().ISO8601(),
    }


class AccessRequestsGet(Service):
    def reply(self):
        if api.user.is_anonymous():
            return _error(self.request, 401, "Log in to see your access requests.")
        user = api.user.get_current()
        if api.user.has_permission("cpms: Review Access Requests", obj=self.context):
            state = self.request.form.get("review_state", "pending")
            if state == "pending":
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
            objs = requests_of(user.getId())
        items = [serialize_request(o) for o in objs]
        return {"@id": self.request.URL, "items": items, "items_total": len(items)}


class AccessRequestsPost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        if api.user.is_anonymous():
            return _error(self.request, 401, "Log in before requesting access.")
        data = json_body(self.request)
        if not isinstance(data, dict):
            return _error(self.request, 400, "Send a JSON object.")
        try:
            obj = create_access_request(data)
        except AccessRequestError as exc:
            return _error(self.request, 400, str(exc), exc.errors)
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", obj.absolute_url())
        return serialize_request(obj)


class GuestsGet(Service):
    def reply(self):
        user = self.request.form.get("user")
        items = [g.as_dict() for g in guests.live_grants(user)]
        return {"@id": self.request.URL, "items": items, "items_total": len(items)}


class _GuestsWrite(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = json_body(self.request)
        if not isinstance(data, dict):
            return _error(self.request, 400, "Send a JSON object.")
        try:
            case = guests.find_case(data.get("case"))
            return self.act(case, data.get("user"), data.get("until"))
        except guests.GuestAccessError as exc:
            return _error(self.request, 400, str(exc), {exc.field: str(exc)})


class GuestsPost(_GuestsWrite):
    def act(self, case, userid, until):
        grant = guests.grant_guest_access(case, userid, until or None)
        self.request.response.setStatus(201)
        return grant.as_dict()


class GuestsPatch(_GuestsWrite):
    def act(self, case, userid, until):
        if not until:
            raise guests.GuestAccessError("until", "Give the new end date.")
        return guests.extend_guest_access(case, userid, until).as_dict()


class GuestsDelete(_GuestsWrite):
    def act(self, case, userid, until):
        if not guests.revoke_guest_access(case, userid):
            return _error(
                self.request, 404, f"{userid!r} has no guest access to this case."
            )
        self.request.response.setStatus(204)
        return None


class GuestsPurge(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        result = guests.purge_expired()
        return {
            "purged": [{"case": c, "user": u} for c, u in result["purged"]],
            "warned": [{"case": c, "user": u} for c, u in result["warned"]],
        }
