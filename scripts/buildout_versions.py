"""Write versions.cfg, the [versions] section of buildout.cfg, from requirements.txt.

requirements.txt is the one list of pins; buildout must resolve exactly the
same ones, so versions.cfg is generated (``make buildout-versions``, also run
by ``make requirements``) and a test checks that the two never drift apart.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
VERSIONS_CFG = ROOT / "versions.cfg"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")
# zc.buildout looks these two up by their exact dotted names (and otherwise
# adds a looser ">=" pin of its own that wins over the normalized one).
BUILDOUT_SPELLING = {"zc-buildout": "zc.buildout", "zc-recipe-egg": "zc.recipe.egg"}
HEADER = """\
# Generated from requirements.txt by `make buildout-versions`: do not edit.
# Change requirements.in and run `make requirements` (it regenerates this file).
[versions]
"""


def pins(requirements_text: str) -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` line, in file order."""
    found = {}
    for line in requirements_text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match.group(1)] = match.group(3)
    return found


def render(requirements_text: str) -> str:
    entries = pins(requirements_text)
    if not entries:
        raise ValueError("no name==version pins found in requirements.txt")
    lines = [
        f"{BUILDOUT_SPELLING.get(name, name)} = {version}"
        for name, version in entries.items()
    ]
    return HEADER + "\n".join(lines) + "\n"


def main():
    text = render(REQUIREMENTS.read_text())
    if VERSIONS_CFG.exists() and VERSIONS_CFG.read_text() == text:
        print(f"{VERSIONS_CFG.name} is up to date")
        return
    VERSIONS_CFG.write_text(text)
    print(f"Wrote {VERSIONS_CFG.name} ({text.count(chr(10)) - 3} pins)")


if __name__ == "__main__":
    sys.exit(main())
