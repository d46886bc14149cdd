"""The access audit on a site made before it.

- each case's audit trail, kept until now in its annotations, is copied into
  the audit store (cpms.core.auditstore) as ``trail`` records with their
  original times, then removed from the case (the store is the one copy);
- the rolemap (the data protection officer's role, "cpms: View audit log")
  and the registry (retention of the audit, the guest grants' upper bound)
  are imported again.
"""

from datetime import datetime

from zope.annotation.interfaces import IAnnotations

from cpms.core import audit
from cpms.core import auditstore


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


def upgrade(setup_tool):
    portal = setup_tool.aq_parent
    for step in ("rolemap", "plone.app.registry"):
        setup_tool.runImportStepFromProfile("profile-cpms:default", step)
    catalog = portal.portal_catalog
    for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
        copy_trail(brain._unrestrictedGetObject())
