"""The resumable upload's script shows its texts in the page's language:
the viewlet hands them over, translated, in its settings block."""

import json

from plone import api

from cpms.collaboration.browser.resumable import TEXTS
from cpms.collaboration.browser.resumable import ResumableUploadViewlet


def _settings(request) -> dict:
    viewlet = ResumableUploadViewlet(api.portal.get(), request, None, None)
    raw = viewlet.settings()
    assert "</" not in raw
    return json.loads(raw)["texts"]


def test_texts_in_english_and_german(integration):
    request = integration["request"]
    texts = _settings(request)
    assert set(texts) == set(TEXTS)
    assert texts["label"] == "Upload progress"
    assert texts["progress"] == "${file}: ${percent}% sent (${sent} of ${total})."
    request.set("LANGUAGE", "de")
    texts = _settings(request)
    assert texts["label"] == "Fortschritt des Hochladens"
    assert texts["progress"] == (
        "${file}: ${percent}% gesendet (${sent} von ${total})."
    )
