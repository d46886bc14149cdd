"""Turn the wheels of a wheelhouse into buildout eggs, several at a time.

zc.buildout 6 installs every wheel with its own ``pip install`` process, one
after the other: about 280 wheels take many minutes, mostly spent starting pip.
This script calls the very function buildout uses for that
(``_move_to_eggs_dir_and_compile``: ``pip install --no-deps -t``, then the egg
in buildout's v5 egg format) from a few processes side by side, each running
pip in-process instead of starting it anew for every wheel.  The eggs land in
the eggs directory where buildout then finds them: buildout still resolves and
checks every pin itself; it just has nothing left to install.

Run with the Python of the buildout virtualenv::

    buildout-venv/bin/python scripts/buildout_eggs.py WHEELHOUSE EGGS_DIRECTORY

(``make buildout`` does).  EGGS_DIRECTORY is buildout's ``eggs-directory``;
the eggs go into its ``v5`` subdirectory, as buildout expects.
"""

import logging
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from packaging.utils import canonicalize_name

# zc.buildout is built on pkg_resources; its deprecation warning is noise here.
warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
from zc.buildout import easy_install  # noqa: E402
from zc.buildout._package_index import distros_for_filename  # noqa: E402

EGGS_FORMAT = "v5"  # zc.buildout's default eggs-directory-version


def pip_in_process(args, **kw):
    """Stands in for buildout's get_subprocess_output for its pip calls."""
    if list(args[1:3]) != ["-m", "pip"]:
        return subprocess_output(args, **kw)
    from pip._internal.cli.main import main as pip_main

    # -q once more: pip's warnings about running in-process do not apply to
    # installing into a separate target directory.
    if pip_main([*args[3:], "-q"]) != 0:
        raise RuntimeError(f"pip failed: {' '.join(args[3:])}")
    return ""


subprocess_output = easy_install.get_subprocess_output
easy_install.get_subprocess_output = pip_in_process


def convert(wheel: str, dest: str) -> str:
    [dist] = distros_for_filename(wheel)
    egg = easy_install._move_to_eggs_dir_and_compile(dist, dest)
    return egg.location


def installed(dest: Path) -> set[tuple[str, str]]:
    # A v5 egg is a directory holding the package and its .dist-info.
    env = easy_install.Environment([str(egg) for egg in dest.glob("*.egg")])
    return {
        (canonicalize_name(d.project_name), str(d.parsed_version))
        for name in env
        for d in env[name]
    }


def main():
    logging.basicConfig(level=logging.WARNING)
    # Absolute paths: buildout's egg making compares them with abspath().
    wheelhouse = Path(sys.argv[1]).resolve()
    eggs = Path(sys.argv[2]).resolve() / EGGS_FORMAT
    eggs.mkdir(parents=True, exist_ok=True)
    have = installed(eggs)
    todo = []
    for wheel in sorted(wheelhouse.glob("*.whl")):
        [dist] = distros_for_filename(str(wheel)) or [None]
        if dist is None:  # not for this platform or Python
            continue
        key = (canonicalize_name(dist.project_name), str(dist.parsed_version))
        if key not in have:
            todo.append(str(wheel))
    start = time.monotonic()
    workers = max(2, 2 * (os.cpu_count() or 1))
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(convert, todo, [str(eggs)] * len(todo)))
    print(
        f"{eggs}: {len(todo)} eggs made from wheels in "
        f"{time.monotonic() - start:.0f} s, {len(have)} were there"
    )


if __name__ == "__main__":
    main()
