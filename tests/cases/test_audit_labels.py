"""Every action of a case's trail reads as words on the case page."""

import ast
from pathlib import Path

from cpms.cases.browser.workspace import AUDIT_LABELS
from cpms.cases.browser.workspace import audit_entries
from cpms.core import audit

SRC = Path(__file__).resolve().parents[2] / "src" / "cpms"


def trail_actions() -> set[str]:
    """The action ids that code writes to a case's trail (audit.record without
    kind="event")."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                continue
            kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
            if isinstance(kind, ast.Constant) and kind.value != "trail":
                continue
            found.add(node.args[1].value)
    return found


def test_every_trail_action_has_a_label():
    actions = trail_actions()
    assert {"images_uploaded", "images_pixels_confirmed"} <= actions
    assert actions - set(AUDIT_LABELS) == set()


def test_the_case_page_names_an_imaging_upload_in_words(case):
    audit.record(case, "images_uploaded", "3 DICOM images de-identified")
    labels = [entry["label"] for entry in audit_entries(case)]
    assert "DICOM images uploaded" in labels
    assert "images_uploaded" not in labels
