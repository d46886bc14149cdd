"""Every workflow of the portal, and the command that writes their XML.

    make workflows        (or: .venv/bin/python -m cpms.workflows)

Each slice declares its workflows in its ``workflow_definitions`` module
(cpms.core.workflows has the classes and the renderer); this module only
lists those modules and writes profiles/default/workflows/<id>/definition.xml.
tests/setup/test_workflows_generated.py fails when the committed XML is not
what the tables give.
"""

from pathlib import Path

from cpms.cases import workflow_definitions as cases
from cpms.core.workflows import render
from cpms.identity import workflow_definitions as identity
from cpms.public import workflow_definitions as public
from cpms.referrals import workflow_definitions as referrals

MODULES = (cases, public, referrals, identity)
WORKFLOWS_DIR = Path(__file__).parent / "profiles" / "default" / "workflows"


def definitions():
    """workflow id -> the definition.xml its tables give."""
    return {
        workflow.id: render(workflow, source=module.__name__)
        for module in MODULES
        for workflow in module.WORKFLOWS
    }


def path_of(workflow_id):
    return WORKFLOWS_DIR / workflow_id / "definition.xml"


def main():
    for workflow_id, xml in definitions().items():
        target = path_of(workflow_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != xml:
            target.write_text(xml)
            print(f"wrote {target.relative_to(WORKFLOWS_DIR.parent.parent.parent)}")


if __name__ == "__main__":
    main()
