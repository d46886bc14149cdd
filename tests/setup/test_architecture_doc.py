"""docs/architecture.md stays true to the tree.

A newcomer follows its paths and runs its make targets: each must exist, and
each slice of the package must be on the page.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "cpms"
PAGE = ROOT / "docs" / "architecture.md"
TOP_LEVEL = ("src/", "profiles/", "tests/", "docs/", "scripts/", "benchmarks/")


def slices() -> list[str]:
    """The package's sub-packages: the core, the slices, demo and upgrades."""
    return sorted(
        path.name
        for path in PACKAGE.iterdir()
        if path.is_dir() and not path.is_symlink() and (path / "__init__.py").exists()
    )


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def named_paths(text: str) -> list[str]:
    """Repository paths the page names in code spans.

    ``src/cpms/...`` and the other top-level folders as written; a path that
    starts with a slice's name (``cases/workflow.py``) is read inside
    src/cpms/. ``<placeholder>`` parts stand for any name.
    """
    names = slices()
    paths = []
    for span in code_spans(text):
        for word in span.split():
            word = word.rstrip(",.;:")
            if word.startswith(TOP_LEVEL):
                paths.append(word)
            elif "/" in word and word.split("/", 1)[0] in names:
                paths.append(f"src/cpms/{word}")
    return paths


def exists(path: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", path).rstrip("/")
    if "*" in pattern:
        return any(ROOT.glob(pattern))
    return (ROOT / pattern).exists()


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", makefile, re.MULTILINE))


@pytest.fixture(scope="module")
def page() -> str:
    return PAGE.read_text()


def test_the_page_names_paths(page):
    # Guards the reading itself: a page (or a parser) that finds no path
    # would pass every check below.
    assert len(named_paths(page)) > 30


def test_every_named_path_exists(page):
    missing = sorted({path for path in named_paths(page) if not exists(path)})
    assert missing == []


def test_every_make_target_exists(page):
    named = {
        match
        for span in code_spans(page)
        for match in re.findall(r"\bmake ([a-z][\w-]*)", span)
    }
    assert named, "the page names no make target"
    assert sorted(named - make_targets()) == []


def test_every_slice_is_on_the_page(page):
    assert "core" in slices()
    missing = [name for name in slices() if f"`src/cpms/{name}/`" not in page]
    assert missing == []


def test_placeholders_match_the_tree():
    assert exists("src/cpms/<slice>/services/<endpoint>/get.py")
    assert not exists("src/cpms/<slice>/no-such-folder/")
