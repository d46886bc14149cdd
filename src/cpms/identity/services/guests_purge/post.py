"""``POST /@guests-purge``: the clock's job over HTTP (``make purge-guests``
runs the same): drop expired grants, warn guests whose grant ends soon."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.identity import guests


class GuestsPurgePost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        result = guests.purge_expired()
        return {
            "purged": [{"case": c, "user": u} for c, u in result["purged"]],
            "warned": [{"case": c, "user": u} for c, u in result["warned"]],
        }
