"""State and transition ids of cpms_publication_workflow.

The ids are Plone's usual ones (``private`` is titled "Draft"), so Plone's
folder contents and portlets treat the public content as they treat pages.
The workflow itself is declared in cpms.public.workflow_definitions.
"""

PUBLICATION_WORKFLOW_ID = "cpms_publication_workflow"

# States
PRIVATE = "private"
PENDING = "pending"
PUBLISHED = "published"

# Transitions
SUBMIT = "submit"
PUBLISH = "publish"
REJECT = "reject"
RETRACT = "retract"
