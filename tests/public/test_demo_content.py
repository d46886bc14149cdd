"""The demo profile's public content: published, tagged demo, built once."""

import pytest
from plone import api

from cpms.demo import DEMO_TAG
from cpms.demo.public import CONSENT_FORMS
from cpms.demo.public import FAQS
from cpms.demo.public import GUIDES
from cpms.demo.public import NEWSLETTERS

EXPECTED = {
    "Guide": len(GUIDES),
    "FAQEntry": len(FAQS),
    "NewsletterIssue": len(NEWSLETTERS),
    "ConsentForm": len(CONSENT_FORMS),
}


@pytest.mark.parametrize("type_id", sorted(EXPECTED))
def test_demo_items_published_and_tagged(demo_portal, type_id):
    brains = api.content.find(portal_type=type_id, Subject=DEMO_TAG)
    assert len(brains) >= EXPECTED[type_id]
    assert {b.review_state for b in brains} == {"published"}
    assert all("(demo)" in b.Title for b in brains)


def test_demo_covers_several_categories_languages_and_kinds():
    assert len({category for _, category, _, _ in FAQS}) >= 5
    assert len({language for language, _, _ in CONSENT_FORMS}) >= 5
    assert {kind for _, kind, _ in CONSENT_FORMS} == {"care", "registries", "research"}
    assert len(NEWSLETTERS) == 3


def test_demo_pdfs_are_pdfs(demo_portal):
    for brain in api.content.find(portal_type="ConsentForm", Subject=DEMO_TAG):
        assert brain.getObject().file.data.startswith(b"%PDF-")


def test_demo_public_content_built_once(demo_portal):
    before = len(api.content.find(Subject=DEMO_TAG))
    demo_portal.portal_setup.runAllImportStepsFromProfile("profile-cpms:demo")
    assert len(api.content.find(Subject=DEMO_TAG)) == before
