"""ImagingSeries: one DICOM series of a case, de-identified.

Made only by ``cpms.imaging.studies`` (the upload page, ``@images`` and the
demo), never by an edit form: every image it holds went through
``cpms.imaging.dicom.deidentify`` before it was stored. It has no workflow of
its own and follows the security of its case, like a medical file.
"""

from persistent.list import PersistentList
from plone.dexterity.content import Item
from plone.supermodel import model
from zope.interface import implementer

from cpms import _
from cpms.cases.interfaces import ICaseItem
from cpms.core.validation import TextLine


class IImagingSeries(model.Schema):
    """What the series page shows; set by the upload, never edited."""

    modality = TextLine(title=_("Modality"), required=False, readonly=True)
    body_part = TextLine(title=_("Body part"), required=False, readonly=True)
    study_date = TextLine(
        title=_("Study date (shifted)"),
        description=_(
            "Moved by the case's date offset, like every date of the images."
        ),
        required=False,
        readonly=True,
    )


@implementer(IImagingSeries, ICaseItem)
class ImagingSeries(Item):
    modality = ""
    body_part = ""
    study_date = ""
    study_uid = ""
    series_uid = ""
    series_number = None
    thumbnail = None  # NamedBlobImage (PNG) of the middle image
    # Who confirmed that the pixels show no identifying text, and when:
    # (userid, ISO time) pairs, one per upload that needed it.
    pixel_confirmations = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # (sort key, SOP instance UID, NamedBlobFile), in scrolling order.
        self.instances = PersistentList()

    def ordered(self) -> list:
        return [blob for _key, _uid, blob in self.instances]
