"""``GET <case>/@audit``: a case's audit trail (see cpms.core.audit), plus the
open request for information, for whoever may view the case."""

from plone.restapi.services import Service

from cpms.cases.workflow import last_info_request
from cpms.core import audit


class AuditGet(Service):
    def reply(self):
        info_request = last_info_request(self.context)
        if info_request is not None and info_request["time"] is not None:
            info_request["time"] = info_request["time"].ISO8601()
        return {
            "@id": f"{self.context.absolute_url()}/@audit",
            "items": audit.entries(self.context),
            "info_request": info_request,
        }
