"""The KPIs and the board's activity report on a site made before them:
``cpms: View activity report`` for coordinators and managers (rolemap.xml),
set on the site alone so that the other site-wide permissions stay as an
administrator left them (importing the rolemap again would reset them)."""

from plone import api

from cpms.core import permissions
from cpms.core import roles


def upgrade(setup_tool=None):
    portal = api.portal.get()
    portal.manage_permission(
        permissions.VIEW_ACTIVITY_REPORT,
        roles=[roles.MANAGER, roles.COORDINATOR],
        acquire=True,
    )
