"""The JSON of an easyform form, for the add-on's layer.

collective.easyform's serializer asks ``plone.api.user.has_permission`` for
the permission's id (``collective.easyform.DownloadSavedInput``) where
plone.api wants its title; plone.api raises ``InvalidParameterError``, so
``@search?fullobjects=1`` answered 500 to everyone without Manage portal as
soon as a referral form was among the results. Same check, by the title.
"""

from collective.easyform.interfaces import IEasyForm
from collective.easyform.serializer import SerializeToJson
from plone import api
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson as DXContentToJson
from zope.component import adapter
from zope.interface import implementer

from cpms.interfaces import ICPMSLayer

DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"


@implementer(ISerializeToJson)
@adapter(IEasyForm, ICPMSLayer)
class FormToJson(SerializeToJson):
    def __call__(self, version=None, include_items=True):
        result = DXContentToJson.__call__(self, version, include_items)
        if api.user.has_permission(DOWNLOAD_SAVED_INPUT, obj=self.context):
            self.serializeSavedData(result)
        return result
