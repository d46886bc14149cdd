"""The public pages over HTTP, as an anonymous visitor of the demo site."""

import re
from xml.etree import ElementTree as ET

import pytest
import transaction
from plone import api

from tests.public.helpers import create


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/guides", "Set up a patient panel (demo)"),
        ("/guides/set-up-a-patient-panel", "Record the consent on the case"),
        ("/common-problems", "Nobody hears me in the video meeting (demo)"),
        ("/common-problems/browsers-supported", "Which browsers work"),
        ("/newsletter", "Issue 3: referrals from outside the network (demo)"),
        ("/newsletter/issue-1", "A portal of our own"),
        ("/consent-forms", "Care consent, German (demo)"),
        ("/consent-forms/care-de", "Download the PDF"),
        ("/network", "Member healthcare providers"),
    ],
)
def test_public_page_renders(demo_http, path, expected):
    response = demo_http().get(path)
    assert response.status_code == 200
    assert expected in response.text
    # One h1 per page, and the page is in Plone's main landmark.
    assert response.text.count("<h1") == 1
    assert 'id="content"' in response.text


def test_public_sections_are_in_the_main_navigation(demo_http):
    html = demo_http().get("/").text
    nav = html[html.index('id="portal-globalnav"') :]
    nav = nav[: nav.index("</nav>")]
    for section in (
        "network",
        "guides",
        "common-problems",
        "newsletter",
        "consent-forms",
        "refer-a-case",
        "helpdesk",
    ):
        assert f'/{section}"' in nav, section
    for private in ("referrals", "access-requests"):
        assert f'/{private}"' not in nav, private


def test_guide_shows_steps_attachment_and_related_guides(demo_http):
    html = demo_http().get("/guides/get-eu-login-and-request-access").text
    assert "<ol>" in html
    assert "Access checklist (demo)" in html
    link = re.search(r'href="([^"]+access-checklist\.pdf)"', html).group(1)
    pdf = demo_http().get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert "Related guides" in html and "Set up a patient panel (demo)" in html


def test_common_problems_grouped_by_category(demo_http):
    html = demo_http().get("/common-problems").text
    headings = re.findall(r'<h2 id="heading-([a-z-]+)"', html)
    assert headings == [
        "eu-login",
        "access",
        "browsers",
        "video-meetings",
        "cases",
        "other",
    ]


def test_common_problems_search_without_javascript(demo_http):
    session = demo_http()
    html = session.get("/common-problems", params={"q": "microphone"}).text
    assert "1 answer(s) found" in html
    assert "Nobody hears me in the video meeting (demo)" in html
    assert "Which browsers work" not in html
    # The box keeps what was typed.
    assert 'value="microphone"' in html
    html = session.get("/common-problems", params={"category": "browsers"}).text
    assert "2 answer(s) found" in html
    html = session.get("/common-problems", params={"q": "zzqqxx unknown"}).text
    assert "No answer matches" in html and "/helpdesk" in html
    # Query syntax characters are not an error.
    assert session.get("/common-problems", params={"q": '"(AND'}).status_code == 200


def test_consent_forms_pick_language_and_kind(demo_http):
    session = demo_http()
    html = session.get("/consent-forms", params={"language": "de", "kind": "care"}).text
    rows = re.findall(r'<a href="([^"]+\.pdf)" class="cpms-pdf"', html)
    assert len(rows) == 1 and rows[0].endswith("consent-care-de.pdf")
    assert '<option value="de" selected="selected">German</option>' in html
    pdf = session.get(rows[0])
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"].startswith("application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    # Every EU language has every kind; Icelandic (offered to editors) none.
    html = session.get(
        "/consent-forms", params={"language": "is", "kind": "research"}
    ).text
    assert "There is no form for this choice yet" in html
    assert "?language=en" in html


def test_consent_language_list_offers_only_languages_with_forms(demo_http):
    html = demo_http().get("/consent-forms").text
    offered = re.findall(r'<option value="([a-z]{2})"', html)
    assert offered and "en" in offered and "de" in offered
    assert "is" not in offered  # no Icelandic demo form: no dead end


def test_newsletter_feed_lists_published_issues_only(demo_http, demo_functional_portal):
    with api.env.adopt_roles(["Manager"]):
        create(demo_functional_portal, "NewsletterIssue", title="Draft issue (demo)")
    transaction.commit()
    html = demo_http().get("/newsletter").text
    assert 'type="application/rss+xml"' in html
    response = demo_http().get("/newsletter/newsletter.rss")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    # Our own test server's answer, not untrusted input.
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [
        "Issue 3: referrals from outside the network (demo)",
        "Issue 2: panels in numbers (demo)",
        "Issue 1: the portal opens (demo)",
    ]
    enclosures = channel.findall("item/enclosure")
    assert {e.get("type") for e in enclosures} == {"application/pdf"}
    assert len(enclosures) == 2


def test_private_items_are_not_public(demo_http, demo_functional_portal):
    with api.env.adopt_roles(["Manager"]):
        draft = create(
            demo_functional_portal, "FAQEntry", title="Secret draft question"
        )
    transaction.commit()
    path = "/common-problems/" + draft.getId()
    assert demo_http().get(path, allow_redirects=False).status_code in (302, 401, 404)
    assert "Secret draft question" not in demo_http().get("/common-problems").text
    assert "Secret draft question" in demo_http("editor").get("/common-problems").text


@pytest.mark.parametrize(
    ("section", "type_id"),
    [
        ("guides", "Guide"),
        ("common-problems", "FAQEntry"),
        ("newsletter", "NewsletterIssue"),
        ("consent-forms", "ConsentForm"),
    ],
)
def test_editor_gets_the_add_form(demo_http, section, type_id):
    response = demo_http("editor").get(f"/{section}/++add++{type_id}")
    assert response.status_code == 200
    assert 'name="form.buttons.save"' in response.text
    # A clinician (no staff role) is not offered the form.
    response = demo_http("clinician").get(
        f"/{section}/++add++{type_id}", allow_redirects=False
    )
    assert response.status_code in (302, 401, 403)


def test_front_page_leads_to_the_request_access_form(demo_http):
    html = demo_http().get("/").text
    assert '/@@request-access"' in html
    for section in ("refer-a-case", "guides", "common-problems", "consent-forms"):
        assert f'/{section}"' in html, section
