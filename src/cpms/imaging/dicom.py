"""DICOM de-identified in memory, before any byte of it is stored.

The DICOM PS3.15 Basic Application Level Confidentiality Profile, done by
dicognito on pydicom, with what dicognito leaves to its caller:

- names, ids, addresses, institutions, UIDs and dates: dicognito replaces
  them. It is seeded with the case's secret (``case_seed``), so within one
  case the same UID always becomes the same new UID (a study's series stay
  together, a second upload joins the first) and every date moves by the
  same offset (62 to 730 days back, derived from the seed): intervals
  between examinations stay true. Another case has another secret, so
  nothing can be matched across cases.
- private tags, overlays and curves (which may carry burned-in text) and
  free text (every LT/ST/UT element and the descriptions, comments and
  patient characteristics the profile removes, ``FREE_TEXT``): removed.
- (0012,0062) Patient Identity Removed = YES and (0012,0063)
  De-identification Method (with its code sequence) say what was done.

What the pixels show cannot be changed from the header. An image flagged
with burned-in annotation, or of a kind that usually carries it (ultrasound,
photographs, screen captures: ``BURNED_IN_MODALITIES``), is refused unless
the uploader confirms the pixels show nothing identifying; the confirmation
(who, when) is written into the image's De-identification Method and, by
the caller, into the case's audit trail.
"""

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

import numpy as np
import pydicom
from dicognito.anonymizer import Anonymizer
from dicognito.datetimeanonymizer import DateTimeAnonymizer
from dicognito.randomizer import Randomizer
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_modality_lut
from pydicom.pixels import apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRBigEndian
from pydicom.uid import ExplicitVRLittleEndian
from pydicom.uid import ImplicitVRLittleEndian
from pydicom.uid import generate_uid
from zope.annotation.interfaces import IAnnotations

from cpms import _
from cpms.core.i18n import translate_here

SEED_KEY = "cpms.imaging.seed"
METHOD = "PS3.15 Basic Profile (dicognito), per-case date shift"
# PS3.16 CID 7050 codes of what was applied.
METHOD_CODES = (
    ("113100", "Basic Application Confidentiality Profile"),
    ("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
)
# Modalities whose pixels usually show names or dates (screen text, labels,
# photographs of people or of paper), with the words a clinician knows.
BURNED_IN_MODALITIES = {
    "US": _("an ultrasound image"),
    "IVUS": _("an intravascular ultrasound image"),
    "ES": _("an endoscopy image"),
    "XC": _("an external-camera photograph"),
    "GM": _("a microscopy photograph"),
    "OP": _("an eye photograph"),
    "SC": _("a screen capture"),
    "OT": _("an image of unknown kind (modality OT)"),
    "DOC": _("a scanned document"),
}
# Secondary capture storage classes: screenshots, scanned paper.
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
# Free text and patient characteristics the Basic Profile removes (X/Z)
# beyond what dicognito replaces; every LT, ST and UT element goes too.
FREE_TEXT = (
    "StudyDescription",
    "SeriesDescription",
    "ImageComments",
    "StudyComments",
    "PatientComments",
    "AdditionalPatientHistory",
    "AdmittingDiagnosesDescription",
    "RequestedProcedureDescription",
    "PerformedProcedureStepDescription",
    "ScheduledProcedureStepDescription",
    "ReasonForStudy",
    "ReasonForTheRequestedProcedure",
    "ProtocolName",
    "DerivationDescription",
    "MedicalAlerts",
    "Allergies",
    "EthnicGroup",
    "Occupation",
    "PatientAge",
    "PatientSize",
    "PatientWeight",
    "PatientBirthTime",
    "PatientBirthName",
    "PatientMotherBirthName",
    "OtherPatientNames",
    "OtherPatientIDsSequence",
    "PatientState",
    "SmokingStatus",
    "PregnancyStatus",
    "LastMenstrualDate",
    "InstitutionalDepartmentName",
    "DeviceSerialNumber",
    "PlateID",
    "CassetteID",
    "GantryID",
    "DetectorID",
    "AcquisitionComments",
    "VisitComments",
    "ServiceEpisodeDescription",
    "IssuerOfPatientID",
    "ContentSequence",
)
FREE_TEXT_VRS = {"LT", "ST", "UT"}
THUMBNAIL_PX = 256


class NotDicom(ValueError):
    """The bytes are not a DICOM file."""


class BurnedIn(ValueError):
    """The image may show identifying text in its pixels (message says why)."""


@dataclass(frozen=True)
class Instance:
    """One de-identified DICOM image and what the portal groups it by."""

    data: bytes
    study_uid: str
    series_uid: str
    sop_uid: str
    modality: str
    series_number: int | None
    instance_number: int | None
    position: float | None
    study_date: str
    body_part: str
    # The uploader's confirmation was needed (and given) for this image.
    confirmed: bool = False


def case_seed(case, create: bool = True) -> str | None:
    """The case's secret: seeds dicognito, so UIDs and the date shift are the
    same for every image of the case and differ from any other case's."""
    annotations = IAnnotations(case)
    seed = annotations.get(SEED_KEY)
    if seed is None and create:
        seed = annotations[SEED_KEY] = secrets.token_hex(32)
    return seed


def date_offset_days(seed: str) -> int:
    """How many days back this seed moves every date: dicognito's offset for
    the seed (62 to 730 days), rounded to whole days."""
    low, high = 62 * 24, 730 * 24
    hours = Randomizer(seed).to_int("date_offset") % (high - low) + low
    return -(hours // 24)


def anonymizer(seed: str) -> Anonymizer:
    """dicognito's anonymizer for the case's seed, its date shift in whole
    days: dicognito shifts by hours, which moves a date without a time (a
    birth date) by one day more than a date with a morning time, and an
    interval in days would change by one."""
    result = Anonymizer(seed=seed)
    handlers = result._element_handlers  # dicognito offers no other way in
    for position, handler in enumerate(handlers):
        if isinstance(handler, DateTimeAnonymizer):
            handlers[position] = DateTimeAnonymizer(date_offset_days(seed) * 24)
    return result


def is_dicom(data: bytes) -> bool:
    """A DICOM Part 10 file: 128 bytes of preamble, then ``DICM``."""
    return len(data) > 132 and data[128:132] == b"DICM"


def read(data: bytes) -> Dataset:
    if not is_dicom(data):
        raise NotDicom(translate_here(_("This is not a DICOM file.")))
    try:
        return pydicom.dcmread(io.BytesIO(data))
    except (InvalidDicomError, ValueError, EOFError, KeyError) as error:
        raise NotDicom(
            translate_here(
                _(
                    "This DICOM file cannot be read (${error}).",
                    mapping={"error": str(error)},
                )
            )
        ) from None


def burned_in_reason(dataset: Dataset) -> str | None:
    """Why this image may show identifying text in its pixels, or None
    (in the request's language: callers put it into refusals people read)."""
    if str(dataset.get("BurnedInAnnotation", "")).upper() == "YES":
        return translate_here(
            _("it is flagged as carrying burned-in annotation (0028,0301 = YES)")
        )
    modality = str(dataset.get("Modality", "")).upper()
    if modality in BURNED_IN_MODALITIES:
        return translate_here(
            _(
                "it is ${kind}, which often shows text",
                mapping={"kind": translate_here(BURNED_IN_MODALITIES[modality])},
            )
        )
    if str(dataset.get("SOPClassUID", "")).startswith(SECONDARY_CAPTURE):
        return translate_here(_("it is a secondary capture (a screenshot or scan)"))
    return None


def _strip_free_text(dataset: Dataset) -> None:
    def walk(ds: Dataset, element) -> None:
        if element.VR in FREE_TEXT_VRS:
            del ds[element.tag]

    for keyword in FREE_TEXT:
        if keyword in dataset:
            delattr(dataset, keyword)
    dataset.walk(walk)
    # Overlays (60xx) and curves (50xx) can carry burned-in text.
    overlays = [e.tag for e in dataset if e.tag.group & 0xFF00 in (0x6000, 0x5000)]
    for tag in overlays:
        del dataset[tag]


def _record_method(dataset: Dataset, confirmed: tuple[str, str] | None) -> None:
    methods = [METHOD]
    if confirmed is not None:
        who, when = confirmed
        # LO holds 64 characters.
        methods.append(f"Pixels checked clean {when} by {who}"[:64])
    dataset.DeidentificationMethod = methods
    codes = Sequence()
    for value, meaning in METHOD_CODES:
        code = Dataset()
        code.CodeValue = value
        code.CodingSchemeDesignator = "DCM"
        code.CodeMeaning = meaning
        codes.append(code)
    dataset.DeidentificationMethodCodeSequence = codes
    dataset.PatientIdentityRemoved = "YES"
    if confirmed is not None:
        dataset.BurnedInAnnotation = "NO"


def _complete_file_meta(dataset: Dataset, seed: str, data: bytes) -> None:
    """Fill in what a valid file needs and a sender left out (the instance's
    UIDs, the transfer syntax), so the de-identified file can be written:
    from the (already replaced) dataset, else made from the case's seed."""
    meta = dataset.file_meta
    if not meta.get("MediaStorageSOPClassUID") and dataset.get("SOPClassUID"):
        meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    if not meta.get("MediaStorageSOPInstanceUID"):
        meta.MediaStorageSOPInstanceUID = dataset.get("SOPInstanceUID") or (
            generate_uid(entropy_srcs=[seed, fingerprint(data)])
        )
    if not meta.get("TransferSyntaxUID"):
        implicit, little = dataset.original_encoding
        meta.TransferSyntaxUID = (
            ImplicitVRLittleEndian
            if implicit
            else (
                ExplicitVRLittleEndian if little is not False else ExplicitVRBigEndian
            )
        )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def deidentify(
    data: bytes,
    seed: str,
    confirmed_by: str | None = None,
    when: datetime | None = None,
) -> Instance:
    """The de-identified image; raises NotDicom or BurnedIn.

    ``confirmed_by``: the user id of someone who confirmed that the pixels
    show nothing identifying (needed only when ``burned_in_reason`` says so).
    """
    dataset = read(data)
    reason = burned_in_reason(dataset)
    confirmed = None
    if reason is not None:
        if not confirmed_by:
            raise BurnedIn(
                translate_here(
                    _(
                        "This image may show the patient's name or dates in its "
                        "pixels: ${reason}. Look at it, and if nothing identifying "
                        "is visible, confirm that the images are free of "
                        "identifying text.",
                        mapping={"reason": reason},
                    )
                )
            )
        when = when or datetime.now(UTC)
        confirmed = (confirmed_by, when.isoformat(timespec="seconds"))
    dataset.remove_private_tags()
    anonymizer(seed).anonymize(dataset)
    # After dicognito, which writes made-up institution addresses (ST).
    _strip_free_text(dataset)
    _record_method(dataset, confirmed)
    _complete_file_meta(dataset, seed, data)
    out = io.BytesIO()
    dataset.save_as(out, enforce_file_format=True)
    position = dataset.get("ImagePositionPatient")
    return Instance(
        data=out.getvalue(),
        study_uid=str(dataset.get("StudyInstanceUID", "")),
        series_uid=str(dataset.get("SeriesInstanceUID", "")),
        sop_uid=str(dataset.get("SOPInstanceUID", "")),
        modality=str(dataset.get("Modality", "") or "OT"),
        series_number=_int(dataset.get("SeriesNumber")),
        instance_number=_int(dataset.get("InstanceNumber")),
        position=float(position[2]) if position and len(position) == 3 else None,
        study_date=str(dataset.get("StudyDate", "")),
        body_part=str(dataset.get("BodyPartExamined", "")),
        confirmed=confirmed is not None,
    )


def thumbnail(data: bytes, size: int = THUMBNAIL_PX) -> bytes:
    """A PNG of the image's (middle) frame with its window applied.

    Compressed transfer syntaxes decode through pydicom's pixel handlers
    (pylibjpeg with libjpeg and openjpeg for JPEG, JPEG-LS and JPEG 2000).
    """
    dataset = read(data)
    pixels = dataset.pixel_array
    frames = int(dataset.get("NumberOfFrames", 1) or 1)
    samples = int(dataset.get("SamplesPerPixel", 1) or 1)
    if frames > 1:
        pixels = pixels[frames // 2]
    if samples == 1:
        pixels = apply_modality_lut(pixels, dataset)
        pixels = apply_voi_lut(pixels, dataset) if "WindowCenter" in dataset else pixels
        pixels = pixels.astype(np.float64)
        low, high = float(pixels.min()), float(pixels.max())
        scaled = (pixels - low) / ((high - low) or 1.0) * 255.0
        if str(dataset.get("PhotometricInterpretation", "")) == "MONOCHROME1":
            scaled = 255.0 - scaled
        image = Image.fromarray(scaled.astype(np.uint8), mode="L")
    else:
        if str(dataset.get("PhotometricInterpretation", "")).startswith("YBR"):
            from pydicom.pixels import convert_color_space

            pixels = convert_color_space(
                pixels, str(dataset.PhotometricInterpretation), "RGB"
            )
        image = Image.fromarray(pixels.astype(np.uint8), mode="RGB")
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def fingerprint(data: bytes) -> str:
    """A short digest, to name a de-identified file without its UIDs."""
    return hashlib.sha256(data).hexdigest()[:12]
