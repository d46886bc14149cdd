"""The access audit on a site made before it.

- each case's audit trail, kept until now in its annotations, is copied into
  the audit store (cpms.core.auditstore) as ``trail`` records with their
  original times, then removed from the case (the store is the one copy);
- the data protection officer's role, and "cpms: View audit log" for it,
  coordinators and managers;
- the registry records of profiles/default/registry/audit.xml (retention of
  the audit, the guest grants' upper bound), where missing: values an
  administrator set are kept.
"""

from datetime import datetime

from plone.registry import Record
from plone.registry import field
from plone.registry.interfaces import IRegistry
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility

from cpms.core import audit
from cpms.core import auditstore
from cpms.core import permissions
from cpms.core import roles


def _stored_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return auditstore.now()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def copy_trail(case) -> int:
    """Copy ``case``'s annotation trail into the store; the number copied."""
    old = audit.legacy_entries(case)
    for entry in old:
        auditstore.append(
            time=_stored_time(entry["time"]),
            user=entry["actor"],
            case_uid=case.UID(),
            case=getattr(case, "case_id", "") or case.getId(),
            action=entry["action"],
            channel="web",
            details=entry["message"],
            kind="trail",
        )
    annotations = IAnnotations(case)
    if audit.KEY in annotations:
        del annotations[audit.KEY]
    return len(old)


RECORDS = (
    (
        "cpms.audit.archive_after_days",
        "Move audit records to the archive after so many days",
        0,
        90,
    ),
    ("cpms.audit.keep_days", "Keep audit records this many days", 0, 3650),
    ("cpms.identity.guest_max_days", "Longest guest access, in days", 1, 180),
)


def add_settings():
    registry = getUtility(IRegistry)
    for name, title, low, value in RECORDS:
        if name not in registry.records:
            registry.records[name] = Record(field.Int(title=title, min=low), value)


def add_role(portal):
    role = roles.DATA_PROTECTION_OFFICER
    if role not in portal.valid_roles():
        portal._addRole(role)
    manager = portal.acl_users.portal_role_manager
    if role not in manager.listRoleIds():
        manager.addRole(role, roles.DATA_PROTECTION_OFFICER_TITLE)
    portal.manage_permission(
        permissions.VIEW_AUDIT_LOG,
        roles=[roles.MANAGER, role, roles.COORDINATOR],
        acquire=True,
    )


def upgrade(setup_tool):
    portal = setup_tool.aq_parent
    add_role(portal)
    add_settings()
    catalog = portal.portal_catalog
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        copy_trail(brain._unrestrictedGetObject())
