"""Demo imaging: a small CT series in the case in discussion.

The series is a synthetic phantom written by pydicom with a hospital's
identifying headers (``cpms.imaging.phantom``) and uploaded by the enrolling
clinician through the same code as the upload page and ``@images``
(``cpms.imaging.studies.import_files``): what the demo shows went through
de-identification like any user's upload.
"""

from plone import api

from cpms.demo.cases import CLINICIAN
from cpms.demo.cases import _existing
from cpms.imaging import phantom
from cpms.imaging import studies

CASE = "Silver Otter (demo)"
SLICES = 16
SIZE = 256


def build_dicom(portal):
    case = _existing(portal).get(CASE)
    if case is None:
        return
    if any(o.portal_type == studies.SERIES_TYPE for o in case.objectValues()):
        return  # the profile ran before
    with api.env.adopt_user(username=CLINICIAN):
        studies.import_files(case, phantom.ct_series(SLICES, size=SIZE))
