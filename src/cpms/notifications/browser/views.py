"""The member's choice of mail: each notification at once, or a daily digest."""

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zope.i18n import translate

from cpms import _
from cpms.notifications import preferences


class NotificationSettingsView(BrowserView):
    def mode(self):
        return preferences.get_mode(api.user.get_current().getId())

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            mode = self.request.form.get("mode")
            if mode not in preferences.MODES:
                raise BadRequest(
                    translate(
                        _("mode: choose immediate or digest"), context=self.request
                    )
                )
            preferences.set_mode(api.user.get_current().getId(), mode)
            api.portal.show_message(_("Your mail preference was saved."), self.request)
        return self.index()
