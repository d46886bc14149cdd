"""``GET <case>/@erase``: what erasing the case would remove, as counts
(the data protection officer decides without reading the case)."""

from plone.restapi.services import Service

from cpms.privacy import erasure


class EraseGet(Service):
    def reply(self):
        case = self.context
        with erasure.unrestricted():
            lost = erasure.what_is_lost(case)
        return {
            "case": case.case_id,
            "erased": erasure.erased(case),
            "erase_due": (
                due.isoformat() if (due := erasure.erase_due(case)) else None
            ),
            "would_remove": lost,
            "kept": erasure.KEPT_DESCRIPTION,
        }
