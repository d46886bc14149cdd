"""``GET @audit-log`` (site) and ``GET <case>/@audit-log``: access audit
records, newest first, filtered and batched (cpms.privacy.auditlog)."""

from plone.restapi.services import Service

from cpms.core.services import field_error
from cpms.privacy import auditlog


class SiteAuditLogGet(Service):
    case_uid = None

    def check(self):
        pass

    def reply(self):
        self.check()
        form = self.request.form
        try:
            filters = auditlog.parse(form)
            start, size = auditlog.batch(form)
        except auditlog.FilterError as error:
            raise field_error(error.field, error.message) from None
        items, total = auditlog.query(filters, start, size, case_uid=self.case_uid)
        url = f"{self.context.absolute_url()}/@audit-log"
        reply = {"@id": url, "items_total": total, "items": items}
        links = {}
        if start + size < total:
            links["next"] = f"{url}?{_query(form, start + size, size)}"
        if start > 0:
            links["prev"] = f"{url}?{_query(form, max(0, start - size), size)}"
        if links:
            reply["batching"] = links
        return reply


class CaseAuditLogGet(SiteAuditLogGet):
    def check(self):
        auditlog.check_case_log(self.context)
        self.case_uid = self.context.UID()


def _query(form, start, size):
    from urllib.parse import urlencode

    values = {k: form[k] for k in auditlog.FILTERS if form.get(k)}
    values.update(b_start=start, b_size=size)
    return urlencode(values)
