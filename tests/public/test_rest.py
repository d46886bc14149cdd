"""All public content through plone.restapi, on the demo site over HTTP.

Editors create and submit, reviewers publish, anonymous visitors read only
what is published (401 for a draft, 404 for what does not exist).
"""

import base64

import pytest

from tests.public.helpers import pdf_bytes

RICH = {"content-type": "text/html", "encoding": "utf-8"}


def _file(data: bytes, filename: str, content_type: str = "application/pdf"):
    return {
        "data": base64.b64encode(data).decode(),
        "encoding": "base64",
        "filename": filename,
        "content-type": content_type,
    }


NEW_ITEMS = {
    "Guide": (
        "guides",
        {
            "title": "Upload records without identifiers",
            "description": "How to remove names from reports before uploading.",
            "audience": ["healthcare-professionals"],
            "steps": {"data": "<ol><li>Black out the name.</li></ol>", **RICH},
        },
    ),
    "FAQEntry": (
        "common-problems",
        {
            "title": "The upload button does nothing",
            "category": "browsers",
            "answer": {"data": "<p>Update your browser.</p>", **RICH},
        },
    ),
    "NewsletterIssue": (
        "newsletter",
        {
            "title": "Issue 4 (test)",
            "number": 4,
            "issue_date": "2026-10-05",
            "body": {"data": "<p>Autumn news.</p>", **RICH},
            "file": _file(pdf_bytes("Issue 4"), "issue-4.pdf"),
        },
    ),
    "ConsentForm": (
        "consent-forms",
        {
            "title": "Research consent, Swedish",
            "form_language": "sv",
            "kind": "research",
            "version": "1.4",
            "file": _file(pdf_bytes("Samtycke"), "research-sv.pdf"),
        },
    ),
}


@pytest.mark.parametrize("type_id", sorted(NEW_ITEMS))
def test_create_submit_publish_read(demo_http, type_id):
    section, fields = NEW_ITEMS[type_id]
    editor = demo_http("editor", api=True)
    reviewer = demo_http("reviewer", api=True)
    anonymous = demo_http(api=True)

    created = editor.post(f"/{section}", json={"@type": type_id, **fields})
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["review_state"] == "private"
    url = item["@id"]

    assert anonymous.get(url).status_code == 401
    assert editor.post(f"{url}/@workflow/publish").status_code in (400, 401, 403)
    submitted = editor.post(f"{url}/@workflow/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["review_state"] == "pending"
    assert anonymous.get(url).status_code == 401
    published = reviewer.post(f"{url}/@workflow/publish", json={"comment": "Checked."})
    assert published.status_code == 200, published.text
    assert published.json()["review_state"] == "published"

    public = anonymous.get(url)
    assert public.status_code == 200
    assert public.json()["title"] == fields["title"]
    assert public.json()["review_state"] == "published"
    # One page of the listing holds them all (72 consent forms and more).
    listing = anonymous.get(f"/{section}", params={"b_size": 500}).json()["items"]
    assert url in [entry["@id"] for entry in listing]


def test_published_items_read_by_anonymous_with_their_fields(demo_http):
    anonymous = demo_http(api=True)
    form = anonymous.get("/consent-forms/care-de").json()
    assert form["form_language"]["token"] == "de"
    assert form["kind"]["token"] == "care"
    assert form["file"]["content-type"] == "application/pdf"
    pdf = anonymous.get(form["file"]["download"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    faq = anonymous.get("/common-problems/video-no-sound").json()
    assert faq["category"] == {"token": "video-meetings", "title": "Video meetings"}
    assert "microphone" in faq["answer"]["data"]
    guide = anonymous.get("/guides/set-up-a-patient-panel").json()
    related = {r["@id"].rsplit("/", 1)[-1] for r in guide["related_guides"]}
    assert related == {
        "join-panels-and-video-meetings",
        "get-eu-login-and-request-access",
    }


def test_missing_item_is_404(demo_http):
    assert demo_http(api=True).get("/guides/no-such-guide").status_code == 404


def test_consent_form_that_is_not_a_pdf_is_refused(demo_http):
    editor = demo_http("editor", api=True)
    fields = dict(NEW_ITEMS["ConsentForm"][1])
    fields["file"] = _file(b"GIF89a pretending", "form.pdf")
    response = editor.post("/consent-forms", json={"@type": "ConsentForm", **fields})
    assert response.status_code == 400
    body = response.json()
    assert "PDF" in body["message"]
    assert "file" in body["message"]


def test_unknown_language_is_refused(demo_http):
    editor = demo_http("editor", api=True)
    fields = dict(NEW_ITEMS["ConsentForm"][1], form_language="xx")
    response = editor.post("/consent-forms", json={"@type": "ConsentForm", **fields})
    assert response.status_code == 400
    assert "form_language" in response.text


def test_members_cannot_add_public_content(demo_http):
    clinician = demo_http("clinician", api=True)
    section, fields = NEW_ITEMS["FAQEntry"]
    response = clinician.post(f"/{section}", json={"@type": "FAQEntry", **fields})
    assert response.status_code in (401, 403)
