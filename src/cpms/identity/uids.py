"""A UID is resolved only for someone who may view its object.

Plone resolves UIDs without asking who asks: ``/resolveuid/<uid>``
(plone.outputfilters), ``@@redirect-to-uuid/<uid>`` (plone.app.uuid) and
rich-text links (cached for every reader) answer with the object's URL,
which for a case holds its case id; REST ``@linkintegrity`` and
``@relations`` answer with an error that names the object. A UID is no
secret (it travels in links, mails, logs), so everything that takes one
answers for an object the user may not view exactly as for a UID that does
not exist. The views and services that do that live on the portal's browser
layer (browser/uids.py, services/).
"""

from AccessControl import getSecurityManager
from AccessControl.PermissionRole import rolesForPermissionOn
from plone import api
from plone.app.uuid.utils import uuidToObject
from Products.CMFCore.permissions import View


def may_view(obj) -> bool:
    return bool(getSecurityManager().checkPermission(View, obj))


def is_public(obj) -> bool:
    """Anyone, anonymous included, may view ``obj``."""
    return "Anonymous" in rolesForPermissionOn(View, obj)


def visible_object(uid):
    """The object of ``uid`` if the current user may view it, else None
    (as for an unknown UID)."""
    if not isinstance(uid, str) or not uid:
        return None
    obj = uuidToObject(uid, unrestricted=True)
    if obj is None or not may_view(obj):
        return None
    return obj


def visible_at_path(path):
    """The content at ``path`` (site-relative or absolute) if the current
    user may view it, else None (as for a path where nothing is)."""
    portal = api.portal.get()
    site_path = "/".join(portal.getPhysicalPath())
    if not path.startswith(site_path):
        path = f"{site_path}/{path.lstrip('/')}"
    obj = portal.unrestrictedTraverse(path, None)
    if obj is None or not may_view(obj):
        return None
    return obj
