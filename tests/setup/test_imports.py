"""The slices import one way (import-linter's contracts in pyproject.toml).

core < coding < network | public < cases < identity < collaboration <
referrals < notifications < demo: a slice imports only lower ones, and talks
to higher ones through zope events.  No slice imports another's browser
package, no REST service imports a browser module.  `make lint-imports` runs
the same check.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# The virtualenv's own binary, next to the Python running the tests.
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_package(target: Path) -> Path:
    """The package and the contracts in ``target``, to break them there.

    lint-imports runs there with the copy first on the path, before the
    editable install.
    """
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    package = target / "src" / "cpms"
    shutil.copytree(
        ROOT / "src" / "cpms",
        package,
        ignore=shutil.ignore_patterns("__pycache__", "profiles"),
    )
    return package


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "core/stray.py",
            "from cpms.notifications import mail",
            "The core imports no slice",
        ),
        (
            "core/stray.py",
            "from cpms.theme import contrast",
            "The core imports no slice",
        ),
        (
            "collaboration/stray.py",
            "from cpms.notifications import subscribers",
            "Slices import only lower slices",
        ),
        (
            "network/stray.py",
            "from cpms.public import vocabularies",
            "Slices import only lower slices",
        ),
        (
            "referrals/stray.py",
            "from cpms.cases.browser import views",
            "Only cpms.cases imports cpms.cases.browser",
        ),
        (
            "collaboration/services/stray.py",
            "from cpms.collaboration.browser import views",
            "REST services import no browser module",
        ),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path, module, line, contract):
    """The contracts bite: one stray import in a copy of the package fails."""
    package = copy_package(tmp_path)
    (package / module).write_text(f"{line}\n")
    result = lint_imports(tmp_path, PYTHONPATH=str(tmp_path / "src"))
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert f"cpms.{module[:-3].replace('/', '.')}" in broken


def test_a_new_slice_must_take_its_place_in_the_layers(tmp_path):
    package = copy_package(tmp_path)
    (package / "newslice").mkdir()
    (package / "newslice" / "__init__.py").write_text("")
    result = lint_imports(tmp_path, PYTHONPATH=str(tmp_path / "src"))
    assert result.returncode != 0, result.stdout
    assert "not listed as layers" in result.stdout
    assert "cpms.newslice" in result.stdout
