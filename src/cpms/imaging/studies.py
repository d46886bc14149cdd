"""Whole studies into a case: every upload of DICOM goes through here.

The upload page (files, a folder or a zip), ``POST <case>/@images`` and the
demo call ``import_files``. It reads every file in memory, de-identifies it
(``cpms.imaging.dicom``) and only then stores anything: the original bytes
never reach a blob. It is all or nothing: one refused file (not DICOM,
unreadable, burned-in text not confirmed) refuses the upload, and the
message names every refused file and why. Images are grouped by their
(new) Study and Series Instance UIDs into one ``ImagingSeries`` per series;
an image of a series already in the case joins it.
"""

import io
import logging
import zipfile
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

import pydicom
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage

from cpms import _
from cpms.core import audit
from cpms.core.i18n import translate_here
from cpms.imaging import dicom

logger = logging.getLogger(__name__)

SERIES_TYPE = "ImagingSeries"
DEFAULT_MAX_MB = 1024
MAX_FILES = 5000
# Media Storage Directory (DICOMDIR): an index of a CD's files, no image.
DICOMDIR_CLASS = "1.2.840.10008.1.3.10"
BODY_PARTS = {"CHEST": "chest", "HEAD": "head", "ABDOMEN": "abdomen"}


class UploadRefused(ValueError):
    """Nothing was stored; ``refusals`` lists (file name, reason)."""

    def __init__(self, refusals: list[tuple[str, str]]):
        self.refusals = refusals
        shown = "; ".join(f"{name}: {reason}" for name, reason in refusals[:20])
        more = len(refusals) - 20
        if more > 0:
            shown += "; " + translate_here(
                _("and ${count} more files", mapping={"count": more})
            )
        super().__init__(translate_here(_("Nothing was stored.")) + " " + shown)


@dataclass
class Imported:
    series: list = field(default_factory=list)
    images: int = 0
    confirmed: int = 0


def max_bytes() -> int:
    megabytes = api.portal.get_registry_record(
        "cpms.imaging.max_upload_mb", default=DEFAULT_MAX_MB
    )
    return int(megabytes) * 1_048_576


def over_limit(limit: int, unpacked: bool = False) -> str:
    """The refusal of an upload over ``limit`` bytes, in the reader's language."""
    if unpacked:
        msg = _(
            "unpacked it holds more than ${size} MB",
            mapping={"size": limit // 1_048_576},
        )
    else:
        msg = _("the upload is over ${size} MB", mapping={"size": limit // 1_048_576})
    return translate_here(msg)


def expand(files: list[tuple[str, bytes]], limit: int | None = None) -> list:
    """The files of an upload, zips opened: (name, bytes), names kept for
    messages. A zip's declared sizes are checked before anything is read."""
    limit = max_bytes() if limit is None else limit
    out, total = [], 0
    for name, data in files:
        if zipfile.is_zipfile(io.BytesIO(data)):
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
                members = [m for m in archive.infolist() if not m.is_dir()]
                total += sum(m.file_size for m in members)
                if total > limit:
                    raise UploadRefused([(name, over_limit(limit, unpacked=True))])
                if len(members) + len(out) > MAX_FILES:
                    raise UploadRefused(
                        [
                            (
                                name,
                                translate_here(
                                    _(
                                        "more than ${count} files",
                                        mapping={"count": MAX_FILES},
                                    )
                                ),
                            )
                        ]
                    )
                out.extend((f"{name}/{m.filename}", archive.read(m)) for m in members)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
                raise UploadRefused(
                    [
                        (
                            name,
                            translate_here(
                                _(
                                    "the zip cannot be read (${error})",
                                    mapping={"error": str(error)},
                                )
                            ),
                        )
                    ]
                ) from None
        else:
            total += len(data)
            if total > limit:
                raise UploadRefused([(name, over_limit(limit))])
            out.append((name, data))
    return out


def deidentify_all(case, files, confirmed_by: str | None) -> list[dicom.Instance]:
    seed = dicom.case_seed(case)
    instances, refusals = [], []
    for name, data in expand(files):
        try:
            dataset_class = _sop_class(data)
            if dataset_class == DICOMDIR_CLASS:
                continue
            instances.append(dicom.deidentify(data, seed, confirmed_by=confirmed_by))
        except dicom.NotDicom as error:
            refusals.append(
                (
                    name,
                    f"{error} "
                    + translate_here(_("Only DICOM images are accepted here.")),
                )
            )
        except dicom.BurnedIn as error:
            refusals.append((name, str(error)))
        except Exception as error:  # noqa: BLE001 - any unreadable file is refused by name
            logger.warning("DICOM file %s refused: %r", name, error, exc_info=True)
            refusals.append((name, translate_here(_("this DICOM file cannot be read"))))
    if not files:
        refusals.append(("files", translate_here(_("no file was sent"))))
    if refusals:
        raise UploadRefused(refusals)
    if not instances:
        raise UploadRefused(
            [("files", translate_here(_("the upload holds no DICOM image")))]
        )
    return instances


def _sop_class(data: bytes) -> str:
    if not dicom.is_dicom(data):
        raise dicom.NotDicom(translate_here(_("This is not a DICOM file.")))
    header = pydicom.dcmread(
        io.BytesIO(data), stop_before_pixels=True, specific_tags=["SOPClassUID"]
    )
    return str(header.file_meta.get("MediaStorageSOPClassUID", ""))


def _series_title(instance: dicom.Instance) -> str:
    part = BODY_PARTS.get(instance.body_part.upper(), instance.body_part.lower())
    title = f"{instance.modality} of the {part}" if part else instance.modality
    if instance.series_number is not None:
        title += f", series {instance.series_number}"
    return title


def find_series(case, series_uid: str):
    for obj in case.objectValues():
        if (
            getattr(obj, "portal_type", None) == SERIES_TYPE
            and obj.series_uid == series_uid
        ):
            return obj
    return None


def _sort_key(instance: dicom.Instance):
    return (
        instance.instance_number if instance.instance_number is not None else 0,
        instance.position if instance.position is not None else 0.0,
    )


def _store(case, instances: list[dicom.Instance]):
    first = instances[0]
    series = find_series(case, first.series_uid)
    if series is None:
        series = api.content.create(
            container=case, type=SERIES_TYPE, title=_series_title(first)
        )
        series.study_uid = first.study_uid
        series.series_uid = first.series_uid
        series.series_number = first.series_number
        series.modality = first.modality
        series.body_part = first.body_part
        series.study_date = first.study_date
    known = {uid for _key, uid, _blob in series.instances}
    for instance in instances:
        blob = NamedBlobFile(
            data=instance.data,
            contentType="application/dicom",
            filename=f"{dicom.fingerprint(instance.data)}.dcm",
        )
        entry = (_sort_key(instance), instance.sop_uid, blob)
        if instance.sop_uid in known:
            index = [uid for _k, uid, _b in series.instances].index(instance.sop_uid)
            series.instances[index] = entry
        else:
            series.instances.append(entry)
    series.instances.sort(key=lambda entry: (entry[0], entry[1]))
    ordered = series.ordered()
    try:
        png = dicom.thumbnail(ordered[len(ordered) // 2].data)
        series.thumbnail = NamedBlobImage(
            data=png, contentType="image/png", filename="thumbnail.png"
        )
    except Exception as error:  # noqa: BLE001 - a series without a thumbnail is still a series
        logger.warning("No thumbnail for %s: %r", series.absolute_url(), error)
    series.reindexObject()
    return series


def import_files(case, files: list[tuple[str, bytes]], confirmed: bool = False):
    """De-identify and store ``files`` (name, bytes; zips allowed) in ``case``.

    ``confirmed``: the uploader has looked at the images and confirms that
    their pixels show nothing identifying (needed for images flagged with,
    or of kinds known for, burned-in text). Raises UploadRefused.
    """
    user = api.user.get_current()
    userid = user.getId() if user is not None else None
    confirmed_by = (userid or "anonymous") if confirmed else None
    instances = deidentify_all(case, files, confirmed_by)
    groups: dict[str, list] = {}
    for instance in instances:
        groups.setdefault(instance.series_uid, []).append(instance)
    result = Imported(images=len(instances))
    for group in groups.values():
        series = _store(case, group)
        result.series.append(series)
        needing = sum(1 for instance in group if instance.confirmed)
        if needing:
            when = datetime.now(UTC).isoformat(timespec="seconds")
            series.pixel_confirmations = (
                *series.pixel_confirmations,
                (confirmed_by, when),
            )
            result.confirmed += needing
            audit.record(
                case,
                "images_pixels_confirmed",
                f"{needing} images of '{series.Title()}' confirmed free of "
                "identifying text in their pixels by the uploader",
            )
    audit.record(
        case,
        "images_uploaded",
        f"{len(instances)} DICOM images de-identified and stored in "
        f"{len(groups)} series",
    )
    return result
