"""Every request that reaches case data, recorded in the access audit.

ZPublisher tells us when a request ends (``IPubSuccess``, or ``IPubFailure``
with the exception; a ConflictError about to be retried is skipped: the redo
is recorded). What the request reached:

- inside a case (the case or an item of it, HTML or REST, its views,
  services, downloads, previews and scales, PDFs, exports): one record for
  the request, with its outcome: ``refused`` when Zope answered Unauthorized
  / Forbidden / NotFound (or a 401/403/404 status), else ``allowed``. A
  refusal during traversal, before the case object was reached, is still
  tied to the case its URL names (``/cases/<id>/...``).
- elsewhere (searches, listings, dashboards, navigation, feeds): the answer
  is scanned for links to cases (``<portal>/cases/<id>``); each case it
  names gets one record, action ``search``, the page asked in ``item``.
  One record per case (not one listing them) so that "who has seen this
  case" is a filter on one column.

Nothing here writes to the ZODB: the records go to the store
(cpms.core.auditstore) in its own connection, committed at once.
"""

import re

from AccessControl import getSecurityManager
from plone.rest.interfaces import IAPIRequest
from zExceptions import Forbidden
from zExceptions import NotFound
from zExceptions import Unauthorized
from ZODB.POSException import ConflictError
from zope.component.hooks import getSite

from cpms.core import audit
from cpms.core import auditstore

REFUSED_STATUS = (401, 403, 404)
REFUSALS = (Unauthorized, Forbidden, NotFound)
# A view or service name -> the action it is. Names are compared without
# their @@ / @ / ++ prefix.
ACTIONS = {
    "download": "download",
    "display-file": "download",
    "images": "preview",
    "image_view_fullscreen": "preview",
    "dicom-viewer": "preview",
    "tiles": "preview",
    "report-pdf": "pdf",
    "ics": "download",
    "export": "export",
    "fhir": "export",
    "edit": "edit",
    "sharing": "sharing",
    "workflow": "transition",
    "content_status_modify": "transition",
    "content_status_history": "transition",
    "delete_confirmation": "delete",
    "history": "history",
    "audit": "audit",
    "audit-log": "audit",
    "who-has-seen": "audit",
    "panel": "panel",
    "guests": "sharing",
    "invite": "sharing",
    "folder_contents": "list",
}
DOWNLOAD_ACTIONS = ("download", "preview", "pdf", "export")
WRITE_METHODS = {"POST": "edit", "PUT": "edit", "PATCH": "edit", "DELETE": "delete"}
# Pages that list audit records name cases; they are not reads of them.
NOT_SCANNED = ("audit-log", "who-has-seen", "audit-log-verify")
CASE_LINK = re.compile(r"/cases/([A-Za-z0-9][A-Za-z0-9._-]*)")
SCANNED_TYPES = ("text/html", "application/json", "application/xml", "text/xml")
ENABLED = True  # benchmarks/audit_cost.py switches it off to measure


def _names(request) -> list[str]:
    path = request.get("PATH_INFO", "") or ""
    return [s for s in path.split("/") if s and s != "++api++"]


def _bare(name: str) -> str:
    return name.lstrip("@+").rstrip("+")


def _case_from_path(site, names):
    """The case a URL names (``.../cases/<id>/...``) and the names after it."""
    if site is None:
        return None, []
    cases = site.get("cases") if hasattr(site, "get") else None
    if cases is None:
        return None, []
    for index, name in enumerate(names[:-1]):
        if name == "cases":
            candidate = cases.get(names[index + 1]) if hasattr(cases, "get") else None
            if getattr(candidate, "portal_type", None) == audit.CASE_TYPE:
                return candidate.__of__(cases), names[index + 2 :]
            return None, []
    return None, []


def _published_content(request):
    published = request.get("PUBLISHED")
    for candidate in (published, getattr(published, "context", None)):
        if audit.case_of(candidate) is not None and hasattr(
            candidate, "getPhysicalPath"
        ):
            return candidate
    for parent in request.get("PARENTS") or ():
        if audit.case_of(parent) is not None:
            return parent
    return None


def classify(request, after) -> str:
    """The action of a request on case data, from its method and names."""
    for name in after:
        action = ACTIONS.get(_bare(name).split(".")[0])
        if action is not None:
            if action == "sharing" and request.get("REQUEST_METHOD") == "GET":
                return "sharing"
            return action
    method = request.get("REQUEST_METHOD", "GET")
    if method in WRITE_METHODS:
        if method == "POST" and not after and IAPIRequest.providedBy(request):
            return "add"
        return WRITE_METHODS[method]
    if method == "POST" and request.form:
        return "edit"
    return "view"


def _outcome(request, exc) -> str:
    if exc is not None:
        return "refused" if isinstance(exc, REFUSALS) else "allowed"
    status = request.response.getStatus()
    return "refused" if status in REFUSED_STATUS else "allowed"


def _details(request, exc) -> str:
    status = request.response.getStatus()
    method = request.get("REQUEST_METHOD", "GET")
    text = f"{method} {request.get('PATH_INFO', '')} {status}"
    if exc is not None:
        text += f" {type(exc).__name__}"
    return text


def record_request(request, exc=None):
    if not ENABLED:
        return
    names = _names(request)
    if any(_bare(n) in NOT_SCANNED for n in names):
        # The audit's own pages: recorded as what they are (audit reads).
        case = audit.case_of(_published_content(request))
        if case is not None:
            _append_for(request, case, "", "audit", exc)
        return
    site = getSite()
    content = _published_content(request)
    case = audit.case_of(content)
    after = []
    if case is not None:
        item = audit.item_of(case, content)
        base = len(case.getPhysicalPath()) - 1
        after = [n for n in names[base:] if n not in item.split("/")]
    else:
        case, after = _case_from_path(site, names)
        if case is None:
            _record_listed_cases(request, site, names, exc)
            return
        item = "/".join(n for n in after if not n.startswith(("@", "+")))
    # The names after the case and its item: views, services, namespaces.
    views = [n for n in after if n.startswith(("@", "+")) or _bare(n) in ACTIONS]
    _append_for(request, case, item, classify(request, views), exc)


def requester(request, site=None):
    """Who asked. A refused request runs as Anonymous (Zope found no user
    folder that authorises it); the audit names who signed in all the same,
    as the site's user folder identifies them from the credentials."""
    user = getSecurityManager().getUser()
    if user is not None and user.getId():
        return user
    acl_users = getattr(site or getSite(), "acl_users", None)
    if acl_users is None or not hasattr(acl_users, "_extractUserIds"):
        return user
    try:
        plugins = acl_users._getOb("plugins")
        for user_id, login in acl_users._extractUserIds(request, plugins):
            found = acl_users._findUser(plugins, user_id, login, request=request)
            if found is not None:
                return found
    except Exception:  # noqa: BLE001 - an odd credential: recorded as anonymous
        return user
    return user


def _append_for(request, case, item, action, exc):
    user = requester(request) if exc is not None else getSecurityManager().getUser()
    channel = audit.channel_of(request)
    if action in DOWNLOAD_ACTIONS:
        channel = "download"
    auditstore.append(
        user=_userid(user),
        roles=audit.roles_on(user, case),
        case_uid=case.UID(),
        case=getattr(case, "case_id", "") or case.getId(),
        item=item,
        action=action,
        channel=channel,
        outcome=_outcome(request, exc),
        client=audit.client_of(request),
        details=_details(request, exc),
        kind="access",
    )


def _userid(user) -> str:
    if user is None:
        return ""
    return user.getId() or "Anonymous User"


def _record_listed_cases(request, site, names, exc):
    """A page outside any case that names cases: one record per case."""
    if exc is not None or site is None:
        return
    response = request.response
    if response.getStatus() != 200:
        return
    content_type = response.getHeader("Content-Type") or ""
    if not content_type.startswith(SCANNED_TYPES):
        return
    body = response.body
    if not body:
        return
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    found = sorted(set(CASE_LINK.findall(body)))
    if not found:
        return
    cases = site.get("cases")
    catalog = getattr(site, "portal_catalog", None)
    if cases is None or catalog is None:
        return
    user = getSecurityManager().getUser()
    page = "/" + "/".join(names)
    channel = audit.channel_of(request)
    # The listed cases' catalog records, not the cases: a listing of fifty
    # cases would otherwise load fifty cases to ask the user's roles.
    base = "/".join(cases.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(
        portal_type=audit.CASE_TYPE,
        path={"query": [f"{base}/{name}" for name in found], "depth": 0},
    )
    userid = _userid(user)
    # What the user holds everywhere under /cases: global roles, their
    # groups' roles and local roles from /cases up (roles on a case go to
    # people, never groups: cpms.cases.sharing); a case adds its own local
    # roles, live guest and expert grants included, which its ``case_roles``
    # record holds as ``roles_on`` would find them on the case.
    around = set(audit.roles_on(user, cases))
    rows = []
    for brain in sorted(brains, key=lambda b: b.getPath()):
        held = set(dict(brain.case_roles or ()).get(userid, ()))
        rows.append(
            {
                "user": userid,
                "roles": sorted(around | held),
                "case_uid": brain.UID,
                "case": brain.Title or brain.getId,
                "item": page,
                "action": "search",
                "channel": channel,
                "outcome": "allowed",
                "client": audit.client_of(request),
                "details": _details(request, None),
                "kind": "access",
            }
        )
    if rows:
        auditstore.append_many(rows)


def on_success(event):
    try:
        record_request(event.request)
    except ConflictError:
        raise
    except Exception:  # noqa: BLE001 - the answer is sent; say it in the log
        _log_failure(event.request)


def on_failure(event):
    if event.retry:
        return
    try:
        record_request(event.request, exc=event.exc_info[1])
    except Exception:  # noqa: BLE001 - the request is failing anyway
        _log_failure(event.request)


def _log_failure(request):
    import logging

    logging.getLogger("cpms.privacy").exception(
        "Could not record %s in the access audit", request.get("PATH_INFO")
    )
