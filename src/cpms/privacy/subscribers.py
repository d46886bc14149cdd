"""Changes of who may see a case, of its state and of its items, recorded in
the access audit as ``event`` records with details (who, what, until when).

The request that caused them is recorded too (cpms.privacy.recorder); these
records say what it changed, whichever path it came by (a page, REST, the
Sharing tab, a referral's acceptance, a script).
"""

from cpms.core import audit


def _record(obj, action, details, item=None):
    audit.record(obj, action, details, kind="event", item=item)


def guest_granted(case, event):
    action = "guest_extended" if getattr(event, "extended", False) else "guest_granted"
    until = event.until.isoformat() if event.until is not None else "no end"
    _record(
        case,
        action,
        f"{event.userid} until {until}, by {event.granted_by or 'the system'}",
    )


def guest_revoked(case, event):
    _record(case, "guest_revoked", f"{event.userid}")


def external_expert_granted(case, event):
    _record(
        case,
        "external_expert_granted",
        f"{event.userid} ({event.network}) until {event.until.isoformat()}, "
        f"by {event.granted_by or 'the system'}",
    )


def external_expert_revoked(case, event):
    _record(case, "external_expert_revoked", f"{event.userid}")


def panel_invited(case, event):
    _record(case, "panel_invited", ", ".join(event.userids))


def panel_removed(case, event):
    _record(case, "panel_removed", event.userid)


def lead_appointed(case, event):
    previous = getattr(event, "previous", None) or "nobody"
    _record(case, "lead_appointed", f"{event.userid} (before: {previous})")


def local_roles_modified(case, event):
    roles = "; ".join(
        f"{principal}: {', '.join(sorted(r for r in held if r != 'Owner') or held)}"
        for principal, held in case.get_local_roles()
    )
    _record(case, "sharing", f"local roles now: {roles}")


def transitioned(obj, event):
    if event.transition is None or audit.case_of(obj) is None:
        return
    _record(
        obj,
        "transition",
        f"{event.transition.getId()}: {event.old_state.getId()} -> "
        f"{event.new_state.getId()}",
    )


def removed(obj, event):
    """An item deleted from a case, or a case deleted."""
    if event.oldParent is None or event.newParent is not None:
        return  # added or moved, not removed
    if getattr(obj, "portal_type", None) == audit.CASE_TYPE:
        _record(obj, "delete", f"Case {event.oldName}", item="")
        return
    case = audit.case_of(event.oldParent)
    if case is None:
        return
    inside = event.oldParent.getPhysicalPath()[len(case.getPhysicalPath()) :]
    _record(
        case,
        "delete",
        f"{obj.portal_type} {event.oldName}",
        item="/".join((*inside, event.oldName)),
    )
