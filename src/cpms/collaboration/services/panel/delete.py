"""``DELETE <case>/@panel/<userid>``: takes the Panel Member role away."""

from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from cpms.collaboration import panel as panel_api
from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error


@implementer(IPublishTraverse)
class PanelDelete(Service):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def reply(self):
        if len(self.params) != 1:
            raise field_error(
                "userid", "give it in the URL, DELETE .../@panel/<userid>"
            )
        disable_csrf_check(self.request)
        try:
            panel_api.remove(self.context, self.params[0])
        except panel_api.PanelError as error:
            raise BadRequest(str(error)) from None
        return self.reply_no_content()
