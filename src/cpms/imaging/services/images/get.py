"""``GET <case>/@images``: the case's imaging series the user may see."""

from plone import api
from plone.restapi.services import Service

from cpms.core import permissions
from cpms.imaging import studies


def summary(series) -> dict:
    url = series.absolute_url()
    return {
        "@id": url,
        "title": series.Title(),
        "modality": series.modality,
        "study_date": series.study_date,
        "images": len(series.instances),
        "thumbnail": f"{url}/@@thumbnail" if series.thumbnail else None,
        "files": [f"{url}/@@dicom/{index}" for index in range(len(series.instances))],
    }


class ImagesGet(Service):
    def reply(self):
        items = [
            summary(obj)
            for obj in self.context.objectValues()
            if getattr(obj, "portal_type", None) == studies.SERIES_TYPE
            and api.user.has_permission(permissions.VIEW, obj=obj)
        ]
        return {"@id": f"{self.context.absolute_url()}/@images", "items": items}
