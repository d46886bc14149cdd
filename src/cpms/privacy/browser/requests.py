"""The data protection officer's page (``/@@data-requests``): a patient's
request for their data or its erasure, by the case's ERN case id.

Export answers the zip (``cpms.privacy.export``) as a download. Erase first
shows what will be lost, as counts (the officer does not read the case), and
asks for the reason and the case id again; then erases.
"""

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from zExceptions import Forbidden

from cpms import _
from cpms.core import audit
from cpms.core import permissions
from cpms.privacy import erasure
from cpms.privacy import export


def find_case(case_id: str):
    """The case with this ERN case id (any state), or None."""
    case_id = " ".join((case_id or "").split()).upper()
    if not case_id:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(portal_type="Case", case_id=case_id)
    return found[0]._unrestrictedGetObject() if found else None


class DataRequestsView(BrowserView):
    error = None
    message = None
    case = None
    lost = None
    confirming = False

    kept = erasure.KEPT_DESCRIPTION
    lost_description = erasure.LOST_DESCRIPTION

    def __call__(self):
        form = self.request.form
        self.case_id = (form.get("case_id") or "").strip()
        self.reason = (form.get("reason") or "").strip()
        action = next(
            (a for a in ("export", "erase", "erase_confirmed") if a in form), None
        )
        if action is None or self.request.method != "POST":
            return self.index()
        CheckAuthenticator(self.request)
        self.case = find_case(self.case_id)
        if self.case is None:
            self.error = (
                _(
                    "Case id: no case is known as '${case_id}'. Give the ERN "
                    "case id as the clinician reads it on the case, e.g. "
                    "ERN-2026-000123.",
                    mapping={"case_id": self.case_id},
                )
                if self.case_id
                else _("Case id: give the ERN case id of the patient's case.")
            )
            self.request.response.setStatus(400 if self.case_id else 400)
            return self.index()
        if action == "export":
            return self.export()
        self._require(permissions.ERASE_CASE_DATA)
        if action == "erase":
            return self.confirm()
        return self.erase()

    def _require(self, permission):
        if not api.user.has_permission(permission, obj=self.case):
            raise Forbidden(_("You may not erase case data."))

    @property
    def can_erase(self) -> bool:
        return api.user.has_permission(permissions.ERASE_CASE_DATA, obj=self.context)

    def export(self):
        data = export.export_zip(self.case)
        audit.record(self.case, "case_exported", f"data export ({len(data)} bytes)")
        response = self.request.response
        filename = export.export_filename(self.case)
        response.setHeader("Content-Type", "application/zip")
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return data

    def confirm(self):
        with erasure.unrestricted():
            self.lost = erasure.what_is_lost(self.case)
        self.confirming = True
        return self.index()

    def erase(self):
        confirm = (self.request.form.get("confirm") or "").strip().upper()
        if not self.reason or confirm != self.case.case_id:
            self.error = (
                _(
                    "Reason: say why the case is erased (e.g. the patient's "
                    "request and its date)."
                )
                if not self.reason
                else _(
                    "Case id again: type ${case_id} to confirm.",
                    mapping={"case_id": self.case.case_id},
                )
            )
            self.request.response.setStatus(400)
            return self.confirm()
        counts = erasure.erase_case(self.case, self.reason)
        self.message = _(
            "Case ${case_id} is erased: ${texts} texts, ${files} files and "
            "${comments} history comments were removed. The database's history "
            "keeps them until the next retention job packs it.",
            mapping={
                "case_id": self.case.case_id,
                "texts": counts["texts"],
                "files": counts["files"],
                "comments": counts["comments"],
            },
        )
        self.case = None
        self.case_id = ""
        return self.index()

    @property
    def case_label(self) -> str:
        """The case's id, read here: the officer may not traverse the case
        in a template (no View on it)."""
        return self.case.case_id if self.case is not None else ""

    def size(self, value: int):
        if value >= 1_048_576:
            return f"{value / 1_048_576:.1f} MB"
        if value >= 1024:
            return f"{value / 1024:.0f} kB"
        return _("${count} bytes", mapping={"count": value})
