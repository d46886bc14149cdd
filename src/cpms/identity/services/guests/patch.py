"""``PATCH /@guests`` ``{"case", "user", "until"}``: extend a grant."""

from cpms.identity import guests
from cpms.identity.services.guests.write import GuestsWrite


class GuestsPatch(GuestsWrite):
    def act(self, case, userid, until):
        if not until:
            raise guests.GuestAccessError("until", "Give the new end date.")
        return guests.extend_guest_access(case, userid, until).as_dict()
