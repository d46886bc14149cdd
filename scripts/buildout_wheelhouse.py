"""Fill a local wheel directory with what buildout.cfg needs, at the pins of
requirements.txt, so that buildout installs without asking an index.

buildout asks the index about every package, one at a time (minutes); from a
local directory given as its index it needs seconds.  Which distributions are
needed is worked out from the metadata installed in the virtualenv (``make
install`` put exactly the pinned versions there), starting from the eggs of
buildout.cfg's [instance] part, its recipe and zc.buildout itself.  Wheels
already in the directory are kept; the rest come from ``pip wheel --no-deps``
(pip's cache makes a second machine-wide run fast).

Run with the virtualenv's Python: ``.venv/bin/python scripts/buildout_wheelhouse.py
[DIRECTORY]`` (default: wheelhouse/).  ``make buildout`` does.
"""

import configparser
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.utils import parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from buildout_versions import pins  # noqa: E402

# What buildout itself installs besides the part's eggs.
BUILDOUT_TOOLS = ["zc.buildout", "setuptools", "pip", "wheel"]
PARALLEL = 8


def buildout_roots(cfg: Path = ROOT / "buildout.cfg") -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(cfg)
    part = parser["instance"]
    eggs = [line.strip() for line in part["eggs"].splitlines() if line.strip()]
    return [*eggs, part["recipe"], *BUILDOUT_TOOLS]


def closure(roots: list[str]) -> set[str]:
    """Canonical names of the roots and everything they require (with extras)."""
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    todo = [(Requirement(root), "") for root in roots]
    while todo:
        req, extra = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        for wanted in [""] + sorted(req.extras):
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            names.add(name)
            try:
                requires = metadata.distribution(req.name).requires or []
            except metadata.PackageNotFoundError:
                sys.exit(f"{req.name} is not installed: is it in requirements.txt?")
            todo.extend((Requirement(r), wanted) for r in requires)
    return names


def have(wheelhouse: Path) -> set[tuple[str, str]]:
    found = set()
    for wheel in wheelhouse.glob("*.whl"):
        name, version, _build, _tags = parse_wheel_filename(wheel.name)
        found.add((name, str(version)))
    return found


def main():
    wheelhouse = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "wheelhouse")
    wheelhouse.mkdir(parents=True, exist_ok=True)
    pinned = {
        canonicalize_name(k): v
        for k, v in pins((ROOT / "requirements.txt").read_text()).items()
    }
    needed = closure(buildout_roots()) - {"cpms"}  # cpms is a develop egg
    unpinned = sorted(needed - pinned.keys())
    if unpinned:
        sys.exit(f"Not pinned in requirements.txt: {', '.join(unpinned)}")
    present = have(wheelhouse)
    missing = sorted(
        f"{n}=={pinned[n]}" for n in needed if (n, pinned[n]) not in present
    )
    print(
        f"Wheelhouse {wheelhouse}: {len(needed)} distributions, {len(missing)} to fetch"
    )
    # pip fetches one distribution at a time, waiting on the network most of
    # the time: a few pip processes side by side finish several times sooner.
    chunks = [missing[i::PARALLEL] for i in range(PARALLEL) if missing[i::PARALLEL]]
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(lambda chunk: fetch(chunk, wheelhouse), chunks))
    failed = [chunk for chunk, code in zip(chunks, results, strict=True) if code]
    if failed:
        sys.exit(f"pip wheel failed for some of: {', '.join(sum(failed, []))}")


def fetch(requirements: list[str], wheelhouse: Path) -> int:
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--wheel-dir",
        str(wheelhouse),
        *requirements,
    ]
    return subprocess.run(command).returncode


if __name__ == "__main__":
    main()
