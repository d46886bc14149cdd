"""Plone's toolbar and admin screens belong to network staff.

Healthcare professionals, guests, panel members and coordinators work in the
portal's own pages (My cases, the case workspace, the panel page, the
dashboards); Plone's folder contents, Sharing tab, "Publishing process" form,
display, copy and URL menus are not for them. One permission decides: Plone's
own "Show Toolbar", which the default profile's rolemap.xml gives to Manager,
Site Administrator, Editor, Reviewer, Contributor and Helpdesk (the helpdesk
reads what the helpdesk form saved through easyform's screens) instead of
every logged-in user. Whoever lacks it sees no toolbar (Plone's member menu
takes its place) and, opening one of these screens by its address, gets
Plone's "insufficient privileges" answer (or the login form when anonymous).
State changes stay possible through the workspace buttons and REST.
"""

from AccessControl import Unauthorized
from AccessControl import getSecurityManager
from zope.publisher.interfaces.browser import IBrowserView

from cpms import _
from cpms.interfaces import ICPMSLayer

SHOW_TOOLBAR = "Show Toolbar"

# Browser views (by name) that only those who see the toolbar may open.
ADMIN_VIEWS = frozenset(
    {
        # folder contents and its ajax endpoints
        "folder_contents",
        "fc-contextInfo",
        "fc-copy",
        "fc-cut",
        "fc-delete",
        "fc-itemOrder",
        "fc-paste",
        "fc-properties",
        "fc-rearrange",
        "fc-rename",
        "fc-setDefaultPage",
        "fc-tags",
        "fc-workflow",
        # Sharing tab
        "sharing",
        "updateSharingInfo",
        # "Publishing process" and publishing from folder contents
        "content_status_history",
        "folder_publish",
        # Display menu
        "select_default_page",
        "select_default_view",
        "selectViewTemplate",
        # Add new..., copy/cut/paste/rename/delete, URL management
        "folder_factories",
        "object_copy",
        "object_cut",
        "object_paste",
        "object_rename",
        "object_delete",
        "delete_confirmation",
        "manage-aliases",
        # layout management
        "manage-viewlets",
        "manage-portlets",
        "manage-content-rules",
    }
)


def may_use_plone_ui(context) -> bool:
    """Whether the current user may see Plone's toolbar and admin screens here."""
    return bool(getSecurityManager().checkPermission(SHOW_TOOLBAR, context))


def guard_admin_views(event):
    """IPubAfterTraversal: refuse Plone's admin screens to non-staff.

    Registered for every request; acts only where the add-on is installed and
    only on the views named in ``ADMIN_VIEWS``. The user is known here
    (authentication ends with traversal), before the view runs.
    """
    request = event.request
    if not ICPMSLayer.providedBy(request):
        return
    published = request.get("PUBLISHED")
    # A view's method (e.g. a form's action) counts as the view.
    view = getattr(published, "__self__", published)
    if not IBrowserView.providedBy(view):
        return
    if getattr(view, "__name__", None) not in ADMIN_VIEWS:
        return
    if not may_use_plone_ui(view.context):
        raise Unauthorized(
            _("This screen is for the network's staff. Your cases are under My cases.")
        )
