"""The default profile's upgrade steps form one chain.

A site at any earlier version reaches the profile's version through
``portal_setup``'s upgrade screen only if every step starts where the one
before it ended: a step whose source no step reaches is never offered, and
two steps from the same source make Plone run one of them and skip the other.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UPGRADES = ROOT / "src" / "cpms" / "upgrades"
FIRST_VERSION = "20261123001"


def _steps():
    steps = {}
    for zcml in sorted(UPGRADES.glob("v*/configure.zcml")):
        text = zcml.read_text()
        source = re.search(r'source="([^"]+)"', text).group(1)
        destination = re.search(r'destination="([^"]+)"', text).group(1)
        steps[source] = steps.get(source, []) + [(destination, zcml.parent.name)]
    return steps


def _profile_version():
    metadata = (ROOT / "profiles" / "default" / "metadata.xml").read_text()
    return re.search(r"<version>(\d+)</version>", metadata).group(1)


def test_each_step_starts_where_the_one_before_ended():
    steps = _steps()
    forks = {source: found for source, found in steps.items() if len(found) > 1}
    assert forks == {}, f"several steps from one version: {forks}"
    version, walked = FIRST_VERSION, []
    while version in steps:
        ((version, package),) = steps[version]
        walked.append(package)
    assert len(walked) == sum(len(found) for found in steps.values()), (
        f"steps off the chain: walked {walked}, registered {steps}"
    )
    assert version == _profile_version()


def test_every_step_package_is_included():
    included = (UPGRADES / "configure.zcml").read_text()
    for package in UPGRADES.glob("v*/configure.zcml"):
        assert f'package=".{package.parent.name}"' in included, package.parent.name
