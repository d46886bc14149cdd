"""DICOM series on a site made before the imaging slice held them.

Adds what the default profile gives a new site: the ``ImagingSeries`` type
(its FTI, allowed in a ``Case``, without a workflow of its own, like medical
files) and the registry record ``cpms.imaging.max_upload_mb``. The type
comes from the profile's ``typeinfo`` step, which sets every type of the
profile as the profile says (as a reinstall would); registry records other
than the new one are left as the site has them.
"""

from plone import api
from plone.registry import field
from plone.registry.interfaces import IRegistry
from plone.registry.record import Record
from zope.component import getUtility

from cpms import _

TYPE = "ImagingSeries"
RECORD = "cpms.imaging.max_upload_mb"
DEFAULT_MB = 1024


def upgrade(setup_tool):
    setup_tool.runImportStepFromProfile(
        "profile-cpms:default", "typeinfo", run_dependencies=False
    )
    types = api.portal.get_tool("portal_types")
    case = types.getTypeInfo("Case")
    allowed = tuple(case.allowed_content_types)
    if TYPE not in allowed:
        case.manage_changeProperties(allowed_content_types=(*allowed, TYPE))
    api.portal.get_tool("portal_workflow").setChainForPortalTypes((TYPE,), ())
    registry = getUtility(IRegistry)
    if RECORD not in registry.records:
        registry.records[RECORD] = Record(
            field.Int(title=_("Largest DICOM upload (MB, unpacked)"), min=1), DEFAULT_MB
        )
