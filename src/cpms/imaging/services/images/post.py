"""``POST <case>/@images``: DICOM files or zips of them into the case.

Body: ``{"files": [{"filename": "...", "data": "<base64>", "encoding":
"base64"}], "pixels_clean": false}`` (the same file objects as plone.restapi's
file fields). Every image is de-identified before anything is stored; all or
nothing. 201 with the series; 400 naming each refused file and why.
"""

import base64
import binascii

from plone.restapi.services import Service
from zExceptions import BadRequest

from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.imaging import studies
from cpms.imaging.services.images.get import summary


class ImagesPost(Service):
    def reply(self):
        disable_csrf_check(self.request)
        data = json_object(self.request)
        files = data.get("files")
        if not isinstance(files, list) or not files:
            raise field_error(
                "files",
                'give a list of {"filename": ..., "data": <base64>, '
                '"encoding": "base64"} objects',
            )
        confirmed = data.get("pixels_clean", False)
        if not isinstance(confirmed, bool):
            raise field_error("pixels_clean", "must be true or false")
        decoded = []
        for position, item in enumerate(files):
            if not isinstance(item, dict) or not isinstance(item.get("data"), str):
                raise field_error(
                    f"files[{position}]", 'must be an object with "data" (base64)'
                )
            name = str(item.get("filename") or f"file {position + 1}")
            if item.get("encoding", "base64") != "base64":
                raise field_error(f"files[{position}].encoding", 'must be "base64"')
            try:
                decoded.append((name, base64.b64decode(item["data"], validate=True)))
            except (binascii.Error, ValueError):
                raise field_error(
                    f"files[{position}].data", f"{name} is not valid base64"
                ) from None
        try:
            imported = studies.import_files(self.context, decoded, confirmed)
        except studies.UploadRefused as refused:
            raise BadRequest(
                "files: "
                + "; ".join(f"{name}: {reason}" for name, reason in refused.refusals)
            ) from None
        self.request.response.setStatus(201)
        return {
            "@id": f"{self.context.absolute_url()}/@images",
            "images": imported.images,
            "confirmed": imported.confirmed,
            "items": [summary(series) for series in imported.series],
        }
