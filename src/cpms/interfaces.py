"""Marker interfaces of the add-on."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class ICPMSLayer(IDefaultBrowserLayer):
    """Browser layer: views and resources that only exist where cpms is installed."""
