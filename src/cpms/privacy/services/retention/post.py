"""``POST /@retention``: the retention job over HTTP (``make apply-retention``):
erase the cases that are due, then pack the database's history."""

from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.privacy.retention import apply_retention


class RetentionPost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        return apply_retention(commit=True)
