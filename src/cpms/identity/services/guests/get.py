"""``GET /@guests``: the live guest grants, soonest end first (``?user=``
filters)."""

from plone.restapi.services import Service

from cpms.identity import guests


class GuestsGet(Service):
    def reply(self):
        user = self.request.form.get("user")
        items = [g.as_dict() for g in guests.live_grants(user)]
        return {"@id": self.request.URL, "items": items, "items_total": len(items)}
