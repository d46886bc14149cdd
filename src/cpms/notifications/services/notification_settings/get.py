"""``GET /@notification-settings``: how the caller gets the portal's mail."""

from plone import api
from plone.restapi.services import Service

from cpms.notifications import preferences


class NotificationSettingsGet(Service):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@notification-settings",
            "mode": preferences.get_mode(api.user.get_current().getId()),
            "modes": list(preferences.MODES),
        }
