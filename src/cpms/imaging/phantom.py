"""A synthetic CT series as a hospital would send it: identifying headers
included. The demo uploads it (through the same path as a user) and the tests
and the benchmark use it, so what they prove holds for what the demo shows.

The phantom is a water cylinder with a bone ring and two contrast spheres
that grow and shrink along the series, so scrolling visibly changes the image.
"""

import io

import numpy as np
from pydicom.dataset import Dataset
from pydicom.dataset import FileMetaDataset
from pydicom.uid import CTImageStorage
from pydicom.uid import ExplicitVRLittleEndian
from pydicom.uid import generate_uid

# What a hospital's header says and the portal must never keep.
IDENTITY = {
    "PatientName": "DOE^JOHN",
    "PatientID": "HOSP-4711-0815",
    "PatientBirthDate": "19800214",
    "PatientAddress": "12 Rue de la Paix, 75002 Paris",
    "InstitutionName": "Hopital Saint-Exemple",
    "InstitutionAddress": "1 Avenue Exemple, 75013 Paris",
    "ReferringPhysicianName": "HOUSE^GREGORY",
    "AccessionNumber": "ACC20260117",
    "StudyDescription": "CT THORAX JOHN DOE follow-up",
    "PatientComments": "Lives with sister at 12 Rue de la Paix",
}
PRIVATE_CREATOR = "HOSPITAL PRIVATE"
PRIVATE_VALUE = "Private note: DOE JOHN bed 12"
STUDY_DATE = "20260117"


def _pixels(index: int, count: int, size: int) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    centre = (size - 1) / 2
    r = np.hypot(x - centre, y - centre) / (size / 2)
    image = np.full((size, size), -1000, dtype=np.int16)  # air
    # Soft tissue: 0 to 80 HU from the centre out, so window/level shows.
    tissue = (r * 80).astype(np.int16)
    image[r < 0.85] = tissue[r < 0.85]
    image[(r >= 0.78) & (r < 0.85)] = 900  # bone ring
    phase = np.sin(np.pi * (index + 0.5) / count)
    for cx, cy, scale in ((0.35, 0.45, 0.22), (0.65, 0.55, 0.14)):
        d = np.hypot(x - cx * size, y - cy * size) / size
        image[d < scale * phase] = 300  # contrast
    # A marker that moves with the slice: no two slices are alike.
    mx = int(size * (0.2 + 0.6 * index / max(count - 1, 1)))
    image[int(size * 0.75) : int(size * 0.8), mx : mx + 6] = 1200
    return image


def ct_slice(
    index: int,
    count: int,
    study_uid: str,
    series_uid: str,
    size: int = 128,
    identity: dict | None = None,
    study_date: str = STUDY_DATE,
    burned_in: bool = False,
    modality: str = "CT",
) -> bytes:
    """One slice of the phantom as DICOM Part 10 bytes."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.FrameOfReferenceUID = generate_uid(entropy_srcs=[study_uid])
    for keyword, value in (IDENTITY if identity is None else identity).items():
        setattr(ds, keyword, value)
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = study_date
    ds.StudyTime = "101500"
    ds.Modality = modality
    ds.BodyPartExamined = "CHEST"
    ds.SeriesNumber = 2
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [0.0, 0.0, float(index * 5)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceThickness = 5.0
    ds.PixelSpacing = [2.0, 2.0]
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    ds.BurnedInAnnotation = "YES" if burned_in else "NO"
    block = ds.private_block(0x0011, PRIVATE_CREATOR, create=True)
    block.add_new(0x01, "LO", PRIVATE_VALUE)
    ds.PixelData = _pixels(index, count, size).tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def ct_series(count: int = 16, size: int = 128, **kwargs) -> list[tuple[str, bytes]]:
    """(file name, bytes) of a whole series of one new study."""
    study_uid, series_uid = generate_uid(), generate_uid()
    return [
        (
            f"IM{index + 1:04d}.dcm",
            ct_slice(index, count, study_uid, series_uid, size=size, **kwargs),
        )
        for index in range(count)
    ]
