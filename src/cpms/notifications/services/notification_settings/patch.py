"""``PATCH /@notification-settings`` ``{"mode": "immediate" or "digest"}``."""

from plone import api
from plone.restapi.services import Service

from cpms.core.services import disable_csrf_check
from cpms.core.services import field_error
from cpms.core.services import json_object
from cpms.notifications import preferences


class NotificationSettingsPatch(Service):
    def reply(self):
        disable_csrf_check(self.request)
        mode = json_object(self.request).get("mode")
        if mode not in preferences.MODES:
            raise field_error(
                "mode", f"must be one of {', '.join(preferences.MODES)}, not {mode!r}"
            )
        preferences.set_mode(api.user.get_current().getId(), mode)
        return self.reply_no_content()
