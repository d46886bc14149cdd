"""The theme settings: the network's name, colours and footer text, and
its logo.

Stored in the registry under ``cpms.theme.*`` (profiles/default/registry/
theme.xml), the logo as Plone's own site logo (``plone.site_logo``: social
previews and mails use it too); site administrators edit all of them in
``@@cpms-theme-controlpanel``.
White text sits on the main colour (the header band, buttons) and the accent
colour rings the focused control, so both are checked for WCAG AA contrast
against white when they are saved.
"""

from zope import schema
from zope.interface import Interface
from zope.interface import Invalid

from cpms import _
from cpms.theme.contrast import NON_TEXT_CONTRAST
from cpms.theme.contrast import TEXT_CONTRAST
from cpms.theme.contrast import WHITE
from cpms.theme.contrast import contrast_ratio
from cpms.theme.contrast import parse_hex


def _colour_against_white(minimum: float, what: str):
    def check(value):
        try:
            parse_hex(value)
        except ValueError:
            raise Invalid(
                f"Write the colour as # and six hexadecimal digits, "
                f"for example #0b5394 (you wrote {value!r})."
            ) from None
        ratio = contrast_ratio(value, WHITE)
        if ratio < minimum:
            raise Invalid(
                f"{value} has a contrast of {ratio:.1f}:1 with white; {what} "
                f"needs at least {minimum}:1 (WCAG AA). Choose a darker colour."
            )
        return True

    return check


class IThemeSettings(Interface):
    network_name = schema.TextLine(
        title=_("Network name"),
        description=_(
            "Shown beside the logo at the top of every page and in the footer, "
            "for example the name of your European Reference Network."
        ),
        default="CPMS portal",
        required=True,
    )

    primary_colour = schema.TextLine(
        title=_("Main colour"),
        description=_(
            "The colour of the header band, the navigation, links and buttons, "
            "written as #rrggbb. White text is written on it, so it must be "
            "dark enough to read (contrast of at least 4.5:1)."
        ),
        default="#0b5394",
        required=True,
        constraint=_colour_against_white(TEXT_CONTRAST, "white text on it"),
    )

    accent_colour = schema.TextLine(
        title=_("Accent colour"),
        description=_(
            "The colour of the ring around the control that has the keyboard "
            "focus and of highlights, written as #rrggbb (contrast of at least "
            "3:1 with white)."
        ),
        default="#b3005f",
        required=True,
        constraint=_colour_against_white(
            NON_TEXT_CONTRAST, "a focus ring on a white page"
        ),
    )

    footer_text = schema.Text(
        title=_("Footer text"),
        description=_(
            "A line or two at the bottom of every page: who runs the portal and "
            "how to reach them."
        ),
        default="",
        required=False,
    )


class IThemeControlPanel(IThemeSettings):
    """The control panel's form: the settings plus Plone's site logo."""

    logo = schema.Bytes(
        title=_("Logo"),
        description=_(
            "An image (SVG or PNG, about 60 pixels high) shown at the top of "
            "every page, beside the network name, and in previews of shared "
            "links. Without one the name shows alone. It is Plone's site logo."
        ),
        required=False,
    )
