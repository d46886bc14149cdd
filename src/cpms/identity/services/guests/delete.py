"""``DELETE /@guests`` ``{"case", "user"}``: revoke a grant (404 if there
was none)."""

from cpms.core.services import NotFound
from cpms.identity import guests
from cpms.identity.services.guests.write import GuestsWrite


class GuestsDelete(GuestsWrite):
    def act(self, case, userid, until):
        if not guests.revoke_guest_access(case, userid):
            raise NotFound(f"user: {userid!r} has no guest access to this case.")
        return self.reply_no_content()
