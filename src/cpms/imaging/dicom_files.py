"""DICOM uploaded as a medical file ("Add a file", REST POST of a
MedicalFile, a later edit): de-identified like an imaging upload.

Two hooks of the collaboration slice, which does not import this one:

- ``check_medical_file`` (a named ``IMedicalFileCheck`` utility, run by the
  file field's constraint, in the form and in REST): a DICOM file that may
  show identifying text in its pixels is refused there, pointing to "Add
  images (DICOM)", where the uploader can confirm the pixels are clean.
- ``DeidentifyingFileField`` (the z3c.form data manager of the MedicalFile's
  file field, which both Plone's add and edit forms and plone.restapi's
  deserializer use to set it): the validated value is de-identified with the
  case's seed before it is set, so only the de-identified bytes are ever
  attached to the content. The uploaded value's blob is never referenced by
  a stored object and is not written to the database (its temporary file is
  removed with it).
"""

from Acquisition import aq_chain
from Acquisition import aq_inner
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.interfaces import INamedBlobFileField
from z3c.form.datamanager import AttributeField
from zope.component import adapter
from zope.interface import provider

from cpms import _
from cpms.collaboration import filecheck
from cpms.collaboration.content.medical_file import IMedicalFile
from cpms.collaboration.content.medical_file import IMedicalFileCheck
from cpms.core.i18n import translate_here
from cpms.imaging import dicom

HEAD = 132


def _head(value) -> bytes:
    with value.open() as handle:
        return handle.read(HEAD)


def _is_dicom(value) -> bool:
    return value is not None and dicom.is_dicom(_head(value) + b"\0")


@provider(IMedicalFileCheck)
def check_medical_file(value) -> None:
    if not _is_dicom(value):
        return
    try:
        reason = dicom.burned_in_reason(dicom.read(value.data))
    except dicom.NotDicom as error:
        raise filecheck.FileRefused(str(error)) from None
    if reason is not None:
        raise filecheck.FileRefused(
            translate_here(
                _(
                    "This DICOM image may show the patient's name or dates in its "
                    "pixels: ${reason}. Upload it with 'Add images (DICOM)' on the "
                    "case page, where you confirm that no identifying text is "
                    "visible.",
                    mapping={"reason": reason},
                )
            )
        )


def _case(obj):
    for item in aq_chain(aq_inner(obj)):
        if getattr(item, "portal_type", None) == "Case":
            return item
    return None


@adapter(IMedicalFile, INamedBlobFileField)
class DeidentifyingFileField(AttributeField):
    """Sets a MedicalFile's file; DICOM de-identified first."""

    def set(self, value):
        if _is_dicom(value):
            case = _case(self.context)
            if case is None:
                raise ValueError("A DICOM file is stored only inside a case.")
            instance = dicom.deidentify(value.data, dicom.case_seed(case))
            value = NamedBlobFile(
                data=instance.data,
                contentType="application/dicom",
                filename=f"{dicom.fingerprint(instance.data)}.dcm",
            )
        super().set(value)
