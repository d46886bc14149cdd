"""The wheel is the add-on: installed on its own, it builds a whole portal.

The GenericSetup profiles live in the top-level profiles/ and reach the
package through the symlink src/cpms/profiles, so an editable install never
shows whether a built wheel carries them.  This test builds the wheel from a
copy of the working tree, installs it (not editable) with the pinned
requirements into a fresh virtualenv, and creates a Plone site there the way
`make site` does (scripts/create_site.py under zconsole, over a FileStorage in
a temporary directory).  uv's cache makes the install take seconds, not
minutes, after the first run on a machine.
"""

import importlib.util
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from cpms.core.structure import SECTIONS
from tests.deployment.processes import ROOT
from tests.deployment.processes import VENV_BIN
from tests.deployment.processes import run

pytestmark = pytest.mark.slow

UV = VENV_BIN / "uv"
METADATA = "cpms/profiles/default/metadata.xml"

CHECK_SITE = """\
import json
from pathlib import Path

import cpms
from plone import api
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

site = makerequest(app)["cpms"]  # noqa: F821 - bound by zconsole
setSite(site)
setup = site.portal_setup
cases = site["cases"]
facts = {
    "package": str(Path(cpms.__file__).resolve().parent),
    "default": list(setup.getLastVersionForProfile("cpms:default")),
    "demo": list(setup.getLastVersionForProfile("cpms:demo")),
    "sections": sorted(site.objectIds()),
    "users": sorted(user.getId() for user in api.user.get_users()),
    "nicknames": sorted(
        case.nickname for case in cases.objectValues() if case.portal_type == "Case"
    ),
}
print("FACTS " + json.dumps(facts))
"""


def clean_env(**extra) -> dict[str, str]:
    """The environment of a process of the fresh virtualenv.

    Nothing of this test run may leak into it: no CPMS_* setting, no path to
    the working tree or to the development virtualenv.
    """
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CPMS_") and key not in drop
    }
    return {**env, **extra}


def copy_source(target: Path) -> Path:
    """What setuptools builds from, without the working tree's build/ (stale
    files there would end up in the wheel) and caches."""
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    # symlinks=True: src/cpms/profiles stays the symlink the repository has.
    shutil.copytree(ROOT / "src", target / "src", symlinks=True, ignore=junk)
    shutil.copytree(ROOT / "profiles", target / "profiles", ignore=junk)
    assert (target / "src" / "cpms" / "profiles").is_symlink()
    return target


def walk(directory: Path):
    """Every file below ``directory``, through symlinked directories."""
    for root, _dirs, files in os.walk(directory, followlinks=True):
        for name in files:
            yield Path(root) / name


def build_wheel(source: Path, out: Path) -> Path:
    run([UV, "build", "--wheel", "--out-dir", out, source], timeout=600)
    wheels = list(out.glob("cpms-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def write_instance(home: Path) -> Path:
    """zope.conf and site.zcml from the project's own templates."""
    spec = importlib.util.spec_from_file_location(
        "render_instance", ROOT / "scripts" / "render_instance.py"
    )
    render_instance = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_instance)
    data = home / "var"
    for sub in ("filestorage", "blobstorage", "log", "cache"):
        (data / sub).mkdir(parents=True)
    # The defaults of a rendered instance, with the home out of the checkout.
    values = render_instance.settings({"CPMS_DATA_DIR": str(data)})
    values["instance_dir"] = str(home)
    etc = home / "etc"
    etc.mkdir()
    for name in ("zope.conf", "site.zcml"):
        (etc / name).write_text(render_instance.render(f"{name}.in", values))
    return etc / "zope.conf"


def test_wheel_carries_the_profiles_and_builds_a_site(tmp_path):
    source = copy_source(tmp_path / "source")
    wheel = build_wheel(source, tmp_path / "dist")

    # Every file of the package is in the wheel: those of profiles/ (through
    # the symlink) under cpms/profiles/, and data files of any extension.
    names = set(zipfile.ZipFile(wheel).namelist())
    package_files = {
        path.relative_to(source / "src").as_posix()
        for path in walk(source / "src" / "cpms")
    }
    assert METADATA in package_files
    assert package_files <= names, sorted(package_files - names)

    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run([UV, "venv", "--quiet", "--python", VENV_BIN / "python", venv])
    env = clean_env()
    run(
        [UV, "pip", "install", "--python", python, "-r", ROOT / "requirements.txt"],
        env=env,
        timeout=900,
    )
    run([UV, "pip", "install", "--python", python, "--no-deps", wheel], env=env)

    # The package imported there is the installed wheel (an editable install
    # would point into the source), with real files.
    package = Path(
        run(
            [python, "-c", "import cpms, pathlib; print(pathlib.Path(cpms.__file__))"],
            cwd=tmp_path,
            env=env,
        )
        .strip()
        .splitlines()[-1]
    ).parent
    assert package.is_relative_to(venv), package
    metadata = package / "profiles" / "default" / "metadata.xml"
    assert not (package / "profiles").is_symlink()
    assert metadata.is_file() and not metadata.is_symlink()
    assert "<version>" in metadata.read_text()

    # A site from the installed package, as `make site` creates one.
    zope_conf = write_instance(tmp_path / "instance")
    created = run(
        [venv / "bin" / "zconsole", "run", zope_conf, ROOT / "scripts/create_site.py"],
        cwd=tmp_path,
        env=clean_env(CPMS_ADMIN_PASSWORD="wheel-test", CPMS_DEMO="1"),
        timeout=900,
    )
    assert "Created site /cpms with demo content" in created

    check = tmp_path / "check_site.py"
    check.write_text(CHECK_SITE)
    output = run(
        [venv / "bin" / "zconsole", "run", zope_conf, check],
        cwd=tmp_path,
        env=clean_env(),
        timeout=600,
    )
    facts = json.loads(output.split("FACTS ", 1)[1].splitlines()[0])
    assert Path(facts["package"]) == package.resolve()

    # The default profile ran, at the version of the metadata.xml installed.
    version = metadata.read_text().split("<version>")[1].split("</version>")[0]
    assert facts["default"] == [version]
    assert {section.id for section in SECTIONS} <= set(facts["sections"])
    assert "cases" in facts["sections"]

    # So did the demo profile: its users and its cases.
    assert facts["demo"] != ["unknown"]
    for userid in ("coordinator", "clinician", "lead", "expert1", "guest"):
        assert userid in facts["users"]
    assert {
        "Blue Heron (demo)",
        "Silver Otter (demo)",
        "Quiet Lynx (demo)",
    } <= set(facts["nicknames"])
