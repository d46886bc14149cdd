"""``POST @audit-log-rotate``: archive and expire access audit records as
the registry says (cpms.privacy.auditlog.rotate)."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.privacy import auditlog


class AuditLogRotatePost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        return auditlog.rotate()
