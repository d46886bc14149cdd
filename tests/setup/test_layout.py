"""How the package is laid out and registered, read from its files."""

from pathlib import Path

import pytest
from lxml import etree

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cpms"
LAYER = "cpms.interfaces.ICPMSLayer"
BROWSER = "http://namespaces.zope.org/browser"
PLONE = "http://namespaces.plone.org/plone"
# Registrations that must exist only where the add-on is installed: without
# the layer, a page or endpoint would answer on every Plone site of the
# process (plone.autoinclude loads our ZCML for all of them) and stay after
# an uninstall.
LAYERED = {
    f"{{{BROWSER}}}page": "browser:page",
    f"{{{BROWSER}}}viewlet": "browser:viewlet",
    f"{{{PLONE}}}service": "plone:service",
}


def registrations():
    for path in sorted(PACKAGE.rglob("*.zcml")):
        tree = etree.parse(str(path))
        for element in tree.iter(*LAYERED):
            yield path.relative_to(PACKAGE), element


@pytest.mark.parametrize("directive", sorted(LAYERED.values()))
def test_registrations_are_found(directive):
    # Guards the reading itself: with no registration read, the test below
    # would pass on anything.
    assert any(LAYERED[element.tag] == directive for _, element in registrations())


def test_every_page_viewlet_and_service_is_for_the_browser_layer():
    unlayered = [
        f"{path}:{element.sourceline} {LAYERED[element.tag]} {element.get('name')}"
        for path, element in registrations()
        if element.get("layer") != LAYER
    ]
    assert unlayered == []
