"""``@@cpms-theme-controlpanel``: the network's name, logo, colours and footer.

A plone.app.registry control panel (Site Setup > "Network look") for site
administrators. The logo is Plone's own site logo (``plone.site_logo``),
uploaded as in Plone's site control panel; the rest are ``cpms.theme.*``.
"""

from plone.app.registry.browser import controlpanel
from plone.formwidget.namedfile.widget import NamedImageFieldWidget
from plone.registry.interfaces import IRegistry
from zope.component import getUtility
from zope.interface import implementer

from cpms.theme.interfaces import IThemeControlPanel
from cpms.theme.settings import LOGO_RECORD
from cpms.theme.settings import PREFIX


@implementer(IThemeControlPanel)
class ThemeRecords:
    """The form's content: each field read from and written to its record."""

    def __init__(self, registry):
        object.__setattr__(self, "_registry", registry)

    @staticmethod
    def _record(name):
        return LOGO_RECORD if name == "logo" else f"{PREFIX}.{name}"

    def __getattr__(self, name):
        if name not in IThemeControlPanel:
            raise AttributeError(name)
        return self._registry.get(self._record(name))

    def __setattr__(self, name, value):
        self._registry[self._record(name)] = value


class ThemeControlPanelForm(controlpanel.RegistryEditForm):
    id = "cpms-theme-controlpanel"
    label = "Network look"
    description = (
        "The name, logo, colours and footer every visitor sees. Colours are "
        "checked for legible contrast (WCAG AA) when you save."
    )
    schema = IThemeControlPanel
    schema_prefix = PREFIX

    def getContent(self):
        return ThemeRecords(getUtility(IRegistry))

    def updateFields(self):
        super().updateFields()
        self.fields["logo"].widgetFactory = NamedImageFieldWidget


class ThemeControlPanel(controlpanel.ControlPanelFormWrapper):
    form = ThemeControlPanelForm
