"""``GET @audit-log-verify``: walks the access audit's hash chain and says
whether it holds, or which record is the first broken link."""

from plone.restapi.services import Service

from cpms.core import auditstore


class AuditLogVerifyGet(Service):
    def reply(self):
        result = auditstore.verify()
        return {"@id": f"{self.context.absolute_url()}/@audit-log-verify", **result}
