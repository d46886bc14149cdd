"""``POST <case>/@erase`` ``{"reason": "...", "confirm": "<case id>"}`` (or the
case's URL id): erase
the case's free texts and files (GDPR Art. 17)."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.privacy import erasure


class ErasePost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        case = self.context
        reason = data.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise field_error(
                "reason",
                "Say why the case is erased (e.g. 'patient's request of "
                "2026-11-30'); it goes into the audit.",
            )
        if len(reason) > 500:
            raise field_error("reason", "At most 500 characters.")
        confirm = data.get("confirm")
        confirm = confirm.strip().lower() if isinstance(confirm, str) else None
        if confirm not in {(case.case_id or "").lower(), case.getId().lower()}:
            raise field_error(
                "confirm",
                f"Give the case id {case.case_id} (or the case's id in its URL, "
                f"{case.getId()}) to confirm: the erasure cannot be undone.",
            )
        erased = erasure.erase_case(case, reason.strip())
        return {"case": case.case_id, "erased": erasure.erased(case), **erased}
