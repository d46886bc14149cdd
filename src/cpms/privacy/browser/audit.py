"""The access audit's pages.

``/@@audit-log`` for the data protection officer and coordinators: filter by
case, user, action, outcome, channel and period; 50 records a page; the same
selection as CSV (``?format=csv``) or JSON (``?format=json``), every record of
it. ``<case>/@@who-has-seen`` for the case's enrolling clinician (and the
audit's readers): who opened, downloaded or was refused the case, newest
first. Neither shows case content: ids, people, times and outcomes only.
"""

import json
from urllib.parse import urlencode

from plone import api
from Products.Five import BrowserView

from cpms import _
from cpms.core.i18n import translate_here
from cpms.core.users import fullname
from cpms.privacy import auditlog

ACTION_LABELS = {
    "view": _("Opened"),
    "edit": _("Changed"),
    "add": _("Added an item"),
    "download": _("Downloaded a file"),
    "preview": _("Viewed an image"),
    "pdf": _("Downloaded the report PDF"),
    "export": _("Exported"),
    "transition": _("Changed its state"),
    "sharing": _("Changed who takes part"),
    "delete": _("Deleted"),
    "search": _("Found it in a list or search"),
    "audit": _("Read this audit"),
    "history": _("Read its history"),
    "panel": _("Opened the panel"),
    "list": _("Listed its items"),
    "guest_granted": _("Gave guest access"),
    "guest_extended": _("Extended guest access"),
    "guest_revoked": _("Ended guest access"),
    "panel_invited": _("Invited to the panel"),
    "panel_removed": _("Removed from the panel"),
    "lead_appointed": _("Appointed the panel lead"),
    "consent_withdrawn": _("Recorded a consent withdrawal"),
    "close_override": _("Closed it without the usual conditions"),
    "referral_accepted": _("Created it from a referral"),
}
# The roles on a case as the case's pages name them (My cases); other roles
# keep their id.
ROLE_LABELS = {
    "Owner": _("Enrolling clinician"),
    "Panel Lead": _("Panel lead"),
    "Panel Member": _("Panel member"),
    "Guest Clinician": _("Guest"),
    "Coordinator": _("Coordinator"),
    "Helpdesk": _("Helpdesk"),
}
OUTCOME_LABELS = {"allowed": _("Allowed"), "refused": _("Refused")}
CHANNEL_LABELS = {
    "web": _("Web page"),
    "rest": _("REST API"),
    "download": _("Download"),
}


class AuditLogView(BrowserView):
    """The site's access audit (cpms: View audit log)."""

    error = None
    case_uid = None
    title = _("Access audit")

    def check(self):
        pass

    def __call__(self):
        self.check()
        form = self.request.form
        try:
            self.filters = auditlog.parse(form)
            self.start, self.size = auditlog.batch(form)
        except auditlog.FilterError as error:
            self.error = f"{error.field}: {error.message}"
            self.filters, self.start, self.size = {}, 0, auditlog.DEFAULT_SIZE
            self.request.response.setStatus(400)
            self.records, self.total = [], 0
            return self.index()
        fmt = form.get("format")
        if fmt in ("csv", "json"):
            return self.export(fmt)
        self.records, self.total = auditlog.query(
            self.filters, self.start, self.size, case_uid=self.case_uid
        )
        return self.index()

    def export(self, fmt):
        records = auditlog.every(self.filters, case_uid=self.case_uid)
        response = self.request.response
        name = "access-audit"
        if fmt == "csv":
            response.setHeader("Content-Type", "text/csv; charset=utf-8")
            response.setHeader(
                "Content-Disposition", f'attachment; filename="{name}.csv"'
            )
            return auditlog.as_csv(records)
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{name}.json"')
        return json.dumps(list(records), indent=1)

    def value(self, name):
        return self.request.form.get(name, "")

    def rows(self):
        return [
            {
                **record,
                "when": record["time"][:19].replace("T", " ") + " UTC",
                "who": fullname(record["user"]) or record["user"],
                "what": ACTION_LABELS.get(record["action"], record["action"]),
                "outcome_label": OUTCOME_LABELS.get(
                    record["outcome"], record["outcome"]
                ),
                "channel_label": CHANNEL_LABELS.get(
                    record["channel"], record["channel"]
                ),
                "roles_label": self.roles_label(record["roles"]),
            }
            for record in self.records
        ]

    def roles_label(self, roles):
        if not roles:
            return _("none")
        return ", ".join(
            translate_here(ROLE_LABELS[role], self.request)
            if role in ROLE_LABELS
            else role
            for role in roles
        )

    def url(self, **changes):
        values = {k: self.request.form[k] for k in auditlog.FILTERS if self.value(k)}
        values.update(changes)
        return f"{self.base_url()}?{urlencode(values)}"

    def base_url(self):
        return f"{self.context.absolute_url()}/@@{self.__name__}"

    def next_url(self):
        if self.start + self.size < self.total:
            return self.url(b_start=self.start + self.size, b_size=self.size)
        return None

    def prev_url(self):
        if self.start > 0:
            return self.url(b_start=max(0, self.start - self.size), b_size=self.size)
        return None

    def shown(self):
        if not self.total:
            return ""
        last = min(self.start + self.size, self.total)
        return _(
            "${first} to ${last} of ${total}",
            mapping={"first": self.start + 1, "last": last, "total": self.total},
        )

    def outcomes(self):
        return list(OUTCOME_LABELS.items())

    def channels(self):
        return list(CHANNEL_LABELS.items())

    def actions(self):
        # In the reader's alphabetical order, not the msgids'.
        return sorted(
            (
                (key, translate_here(label, self.request))
                for key, label in ACTION_LABELS.items()
            ),
            key=lambda pair: pair[1].casefold(),
        )


class WhoHasSeenView(AuditLogView):
    """A case's access audit, for its enrolling clinician."""

    title = _("Who has seen this case")

    def check(self):
        auditlog.check_case_log(self.context)
        self.case_uid = self.context.UID()

    def available(self):
        """Whether the case page links here: for whom it would open."""
        return auditlog.may_read_case_log(self.context)

    def case_id(self):
        return getattr(self.context, "case_id", "") or self.context.getId()

    def may_read_site_log(self):
        return auditlog.may_read_site_log()

    def portal_url(self):
        return api.portal.get().absolute_url()
