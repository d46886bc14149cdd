"""The theme settings as the pages use them, with defaults where unset.

A site whose profile has not yet been re-run has no ``cpms.theme.*``
records; the pages then show the schema's defaults.
"""

from dataclasses import dataclass

from plone.registry.interfaces import IRegistry
from zope.component import queryUtility

from cpms.theme.contrast import WHITE
from cpms.theme.contrast import mix
from cpms.theme.contrast import parse_hex
from cpms.theme.interfaces import IThemeSettings

PREFIX = "cpms.theme"
# The logo is Plone's site logo (plone.base's ISiteSchema).
LOGO_RECORD = "plone.site_logo"


@dataclass(frozen=True)
class Theme:
    network_name: str
    primary_colour: str
    accent_colour: str
    footer_text: str

    def css_variables(self) -> dict[str, str]:
        """The custom properties static/theme.css reads.

        Derived shades are darker (hover, links on tints, the footer) or
        near-white (tints), so what passed the contrast check keeps passing.
        Bootstrap colours links through ``r, g, b`` triples, hence ``-rgb``.
        """
        dark = mix(self.primary_colour, "#000000", 0.3)
        return {
            "--cpms-primary": self.primary_colour,
            "--cpms-primary-rgb": _rgb(self.primary_colour),
            "--cpms-primary-dark": dark,
            "--cpms-primary-dark-rgb": _rgb(dark),
            "--cpms-primary-tint": mix(self.primary_colour, WHITE, 0.94),
            "--cpms-accent": self.accent_colour,
        }


def _rgb(colour: str) -> str:
    return ", ".join(str(channel) for channel in parse_hex(colour))


def _default(name):
    return IThemeSettings[name].default


def get_theme() -> Theme:
    registry = queryUtility(IRegistry)
    values = {}
    for name in IThemeSettings.names():
        value = None
        if registry is not None:
            value = registry.get(f"{PREFIX}.{name}")
        if value in (None, ""):
            value = _default(name)
        if name.endswith("_colour"):
            # Written past the control panel (a profile, the ZMI): a value
            # that is no colour must not break every page.
            try:
                parse_hex(value)
            except ValueError:
                value = _default(name)
        values[name] = value
    values["footer_text"] = values["footer_text"] or ""
    return Theme(**values)


def has_logo() -> bool:
    registry = queryUtility(IRegistry)
    return bool(registry is not None and registry.get(LOGO_RECORD))
