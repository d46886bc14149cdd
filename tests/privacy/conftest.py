"""Fixtures of the privacy tests: a case with something in every item."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile

from tests.helpers.cases import CODED
from tests.helpers.cases import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Words that appear only in the case's free texts: after an erasure none of
# them may be found anywhere.
SECRETS = {
    "nickname": "Velvet Falcon",
    "summary": "Zanzibarite nephropathy since infancy",
    "question": "Should we try quorvexal now",
    "contribution": "Plumbago protocol worked in Lyon",
    "agenda": "Discuss the marmalade scan",
    "file_title": "Scan of Ignatius Quill",
    "file_name": "ignatius-quill.pdf",
    "findings": "Obvious thrombotic glimmer",
    "comment": "Please add the cobalt urodynamics",
}


def enrich(case):
    """Add a contribution, meeting, file and report to an open case (as Manager)."""
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=case, transition="submit")
        api.content.transition(
            obj=case, transition="request_info", comment=SECRETS["comment"]
        )
        api.content.transition(obj=case, transition="submit")
        api.content.transition(obj=case, transition="open_panel")
        api.content.create(
            container=case,
            type="Contribution",
            id="contribution",
            text=SECRETS["contribution"],
        )
        start = datetime(2026, 12, 1, 10, tzinfo=UTC)
        api.content.create(
            container=case,
            type="Meeting",
            title="Panel meeting",
            start=start,
            end=start + timedelta(hours=1),
            timezone="Europe/Brussels",
            agenda=SECRETS["agenda"],
        )
        api.content.create(
            container=case,
            type="MedicalFile",
            title=SECRETS["file_title"],
            file=NamedBlobFile(data=PDF, filename=SECRETS["file_name"]),
        )
        api.content.create(
            container=case,
            type="OutcomeReport",
            id="outcome-report",
            findings=SECRETS["findings"],
            recommendations="Wait and see.",
        )
    return case


@pytest.fixture
def full_case(portal):
    case = make_case(
        portal,
        nickname=SECRETS["nickname"],
        clinical_summary=SECRETS["summary"],
        clinical_question=SECRETS["question"],
        **CODED,
    )
    api.content.create(
        container=case,
        type="ConsentRecord",
        id="care-consent",
        kind="care",
        consent_language="en",
        consent_version="1.0",
        consent_date=date(2026, 1, 5),
        recorded_by=TEST_USER_ID,
    )
    return enrich(case)


def ensure_demo(portal):
    """The demo content, applied again if the demo layer lost it.

    The demo test layer should hold it; while it does not (the layer's
    database comes up without it at the moment), the demo profile is applied
    to the test's own copy of the site, as its handler is idempotent.
    """
    if "demo-silver-otter" in portal["cases"].objectIds():
        return portal
    from plone.app.testing import applyProfile

    with api.env.adopt_roles(["Manager"]):
        applyProfile(portal, "cpms:demo")
    return portal
