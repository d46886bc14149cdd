"""WCAG 2.1 contrast between two sRGB colours.

Success criterion 1.4.3 asks 4.5:1 for normal text, 1.4.11 asks 3:1 for the
parts of controls people must see (a focus ring, a button's edge).
"""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

WHITE = "#ffffff"


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``"#0b5394"`` -> ``(11, 83, 148)``; ValueError for anything else."""
    if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
        raise ValueError(f"{colour!r} is not a colour written as #rrggbb")
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same colour) to 21 (black on white)."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0..1) of ``other`` mixed in, as #rrggbb."""
    ours, theirs = parse_hex(colour), parse_hex(other)
    return "#" + "".join(
        f"{round(a + (b - a) * share):02x}" for a, b in zip(ours, theirs, strict=True)
    )
