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
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    package = tmp_path / "src" / "cpms"
    shutil.copytree(
        ROOT / "src" / "cpms",
        package,
        ignore=shutil.ignore_patterns("__pycache__", "profiles"),
    )
    (package / module).write_text(f"{line}\n")
    # The copy comes first on the path, before the editable install.
    result = lint_imports(tmp_path, PYTHONPATH=str(tmp_path / "src"))
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert f"cpms.{module[:-3].replace('/', '.')}" in broken
