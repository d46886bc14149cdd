"""``GET <case>/@panel``: the people on the case and their local roles."""

from plone.restapi.services import Service

from cpms.collaboration import panel as panel_api


class PanelGet(Service):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@panel",
            "items": panel_api.panel(self.context),
        }
