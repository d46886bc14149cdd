"""Demo pathology: a small whole-slide image in the case in discussion.

The slide is drawn when the demo is built (``cpms.imaging.slides.pyramid``:
made-up tissue, nothing of a patient) and added by the enrolling clinician as
any medical file is: the collaboration slice checks it, the imaging slice
recognises it as a slide.
"""

from plone import api
from plone.namedfile.file import NamedBlobFile

from cpms.demo.cases import CLINICIAN
from cpms.demo.cases import _existing
from cpms.imaging.slides.pyramid import sample_slide

CASE = "Silver Otter (demo)"
SLIDE_ID = "demo-liver-biopsy"


def build_slide(portal):
    case = _existing(portal).get(CASE)
    if case is None or SLIDE_ID in case.objectIds():
        return
    with api.env.adopt_user(username=CLINICIAN):
        api.content.create(
            container=case,
            type="MedicalFile",
            id=SLIDE_ID,
            title="Liver biopsy, H&E (demo slide)",
            file=NamedBlobFile(sample_slide(), filename="liver-biopsy-he.tif"),
        )
