"""``POST /@guests`` ``{"case", "user", "until"}``: grant guest access
(``until`` defaults to ``cpms.identity.guest_default_days`` from now)."""

from cpms.identity import guests
from cpms.identity.services.guests.write import GuestsWrite


class GuestsPost(GuestsWrite):
    def act(self, case, userid, until):
        grant = guests.grant_guest_access(case, userid, until or None)
        self.request.response.setStatus(201)
        return grant.as_dict()
