"""Reading the access audit: filters, batches, CSV and JSON, who may read.

What the pages (``@@audit-log``, a case's ``@@who-has-seen``) and the REST
services (``@audit-log``, ``<case>/@audit-log``, ``@audit-log-verify``) share.
Filters, as form fields or query parameters: ``case`` (a case id),
``user`` (a user id), ``action``, ``outcome`` (allowed, refused), ``channel``
(web, rest, download), ``since`` and ``until`` (dates, YYYY-MM-DD, both
days included); batches: ``b_start`` (from 0) and ``b_size`` (1 to 1000,
default 50).
"""

import csv
import io
from datetime import date
from datetime import timedelta

from AccessControl import Unauthorized
from plone import api

from cpms import _
from cpms.core import auditstore
from cpms.core import permissions
from cpms.core.i18n import translate_here
from cpms.core.roles import OWNER

FILTERS = ("case", "user", "action", "outcome", "channel", "since", "until")
KEYS = auditstore.PUBLIC_FIELDS
DEFAULT_SIZE = 50
MAX_SIZE = 1000


class FilterError(ValueError):
    """A bad filter; ``message`` is already in the reader's language (the
    page and the REST 400 put it into plain text)."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _date(field, value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(
            field,
            translate_here(
                _(
                    "'${value}' is not a date: write it as YYYY-MM-DD, "
                    "e.g. 2026-11-30.",
                    mapping={"value": value},
                )
            ),
        ) from None


def parse(form) -> dict:
    """Store filters from a form or query string; FilterError names the field."""
    filters = {}
    for name in ("case", "user", "action"):
        value = (form.get(name) or "").strip()
        if value:
            filters[name] = value
    for name, allowed in (
        ("outcome", auditstore.OUTCOMES),
        ("channel", auditstore.CHANNELS),
    ):
        value = (form.get(name) or "").strip()
        if value and value not in allowed:
            raise FilterError(
                name,
                translate_here(
                    _(
                        "'${value}' is not one of ${allowed}: choose one.",
                        mapping={"value": value, "allowed": ", ".join(allowed)},
                    )
                ),
            )
        if value:
            filters[name] = value
    since = (form.get("since") or "").strip()
    until = (form.get("until") or "").strip()
    if since:
        filters["since"] = _date("since", since).isoformat()
    if until:
        filters["until"] = (_date("until", until) + timedelta(days=1)).isoformat()
    if since and until and filters["since"] >= filters["until"]:
        raise FilterError(
            "until",
            translate_here(_("the period ends before it starts: swap the dates.")),
        )
    return filters


def batch(form) -> tuple[int, int]:
    def number(name, default, low, high):
        value = str(form.get(name) or default).strip()
        if not value.isdigit() or not low <= int(value) <= high:
            raise FilterError(
                name,
                translate_here(
                    _(
                        "'${value}' is not a whole number from ${low} to ${high}.",
                        mapping={"value": value, "low": low, "high": high},
                    )
                ),
            )
        return int(value)

    return number("b_start", 0, 0, 10**12), number("b_size", DEFAULT_SIZE, 1, MAX_SIZE)


def public(record: dict) -> dict:
    out = {key: record.get(key) for key in KEYS}
    roles = record.get("roles") or ""
    out["roles"] = (
        roles if isinstance(roles, list) else [r for r in roles.split(",") if r]
    )
    return out


def query(filters, start=0, size=DEFAULT_SIZE, case_uid=None):
    if case_uid:
        filters = {**filters, "case_uid": case_uid}
    found, total = auditstore.search(start=start, size=size, archived=True, **filters)
    return [public(r) for r in found], total


def every(filters, case_uid=None, chunk=1000):
    """All matching records, newest first, a chunk at a time (exports)."""
    start = 0
    while True:
        found, total = query(filters, start, chunk, case_uid=case_uid)
        yield from found
        start += chunk
        if start >= total or not found:
            return


def as_csv(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(KEYS)
    for record in records:
        writer.writerow(
            [";".join(record[k]) if k == "roles" else record.get(k, "") for k in KEYS]
        )
    return out.getvalue()


def may_read_site_log(context=None) -> bool:
    return api.user.has_permission(
        permissions.VIEW_AUDIT_LOG, obj=context or api.portal.get()
    )


def may_read_case_log(case) -> bool:
    """The audit's readers, and the case's enrolling clinician."""
    if api.user.has_permission(permissions.VIEW_AUDIT_LOG, obj=case):
        return True
    if api.user.is_anonymous():
        return False
    user = api.user.get_current()
    return OWNER in (case.get_local_roles_for_userid(user.getId()) or ()) and (
        api.user.has_permission(permissions.VIEW, obj=case)
    )


def check_case_log(case):
    if not may_read_case_log(case):
        raise Unauthorized(_("You may not read this case's access audit."))


def rotate() -> dict:
    """Apply the registry's retention settings (registry/audit.xml)."""
    archive_after = api.portal.get_registry_record(
        "cpms.audit.archive_after_days", default=90
    )
    keep = api.portal.get_registry_record("cpms.audit.keep_days", default=3650)
    result = auditstore.rotate(archive_after or None, keep or None)
    return {**result, "archive_after_days": archive_after, "keep_days": keep}
