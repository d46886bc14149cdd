"""versions.cfg (buildout's pins) is generated from requirements.txt and must match."""

import importlib.util

from tests.deployment.processes import ROOT


def load_generator():
    path = ROOT / "scripts" / "buildout_versions.py"
    spec = importlib.util.spec_from_file_location("buildout_versions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_versions_cfg_is_generated_from_requirements_txt():
    generator = load_generator()
    expected = generator.render((ROOT / "requirements.txt").read_text())
    assert (ROOT / "versions.cfg").read_text() == expected, (
        "versions.cfg is out of date: run `make buildout-versions`"
    )


def test_every_pin_reaches_buildout():
    generator = load_generator()
    pins = generator.pins((ROOT / "requirements.txt").read_text())
    cfg = (ROOT / "versions.cfg").read_text()
    assert pins["plone"] == "6.2.2" and pins["setuptools"] == "80.10.2"
    assert "\nzc.buildout = 6.0.1\n" in cfg
    assert "\nplone-recipe-zope2instance = 9.1.0\n" in cfg
    assert cfg.count(" = ") == len(pins)


def test_buildout_cfg_uses_versions_cfg_strictly():
    cfg = (ROOT / "buildout.cfg").read_text()
    assert "extends = versions.cfg" in cfg
    assert "allow-picked-versions = false" in cfg
