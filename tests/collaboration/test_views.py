"""Classic UI pages of panel collaboration render for the people they serve."""

import transaction
from plone import api
from plone.app.testing import login

from cpms.core.roles import PANEL_MEMBER
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user


def test_panel_page_lists_people_and_offers_invitations(demo_portal):
    case = next(
        c for c in demo_portal["cases"].objectValues() if "Silver Otter" in c.nickname
    )
    login(demo_portal, "coordinator")
    html = api.content.get_view("panel", case, demo_portal.REQUEST)()
    assert "Lena Lead (demo)" in html and "Emil Expert (demo)" in html
    assert "Invite experts" in html and "every expert of an expertise area" in html
    login(demo_portal, "expert1")
    html = api.content.get_view("panel", case, demo_portal.REQUEST)()
    assert "Lena Lead (demo)" in html
    assert "Invite experts" not in html  # members see the panel, cannot change it


def test_notification_settings_page(demo_portal):
    login(demo_portal, "expert1")
    html = api.content.get_view(
        "notification-settings", demo_portal, demo_portal.REQUEST
    )()
    assert "One daily digest" in html and 'value="immediate"' in html


def test_panel_form_invites_with_a_csrf_token(functional_portal, rest):
    """The Classic form posts with plone.protect's token, like a browser."""
    make_user("anna", fullname="Dr Anna")
    case = make_case(functional_portal)
    transaction.commit()
    browser = rest()
    browser.headers["Accept"] = "text/html"
    page = browser.get(f"{case.absolute_url()}/@@panel").text
    import re

    token = re.search(r'name="_authenticator" value="([^"]+)"', page).group(1)
    response = browser.post(
        f"{case.absolute_url()}/@@panel",
        data={"userids:list": ["anna"], "_authenticator": token},
    )
    assert response.status_code == 200
    assert "1 expert(s) invited." in response.text
    transaction.begin()
    assert PANEL_MEMBER in case.get_local_roles_for_userid("anna")
    # Without the token nothing changes.
    forged = browser.post(f"{case.absolute_url()}/@@panel", data={"remove": "anna"})
    assert forged.status_code == 403
    transaction.begin()
    assert PANEL_MEMBER in case.get_local_roles_for_userid("anna")


def test_meeting_and_medical_file_pages(demo_portal):
    from datetime import datetime

    from plone.namedfile.file import NamedBlobFile

    from tests.collaboration.test_filecheck import PNG_IMAGE

    case = next(
        c for c in demo_portal["cases"].objectValues() if "Silver Otter" in c.nickname
    )
    login(demo_portal, "lead")
    meeting = api.content.create(
        container=case,
        type="Meeting",
        title="Panel meeting",
        start=datetime(2026, 12, 3, 14, 0),
        end=datetime(2026, 12, 3, 15, 0),
        timezone="Europe/Paris",
        attendees=["lead", "expert1"],
    )
    html = meeting.restrictedTraverse("@@view")()
    assert "Thursday 03 December 2026, 14:00 - 15:00 (Europe/Paris)" in html
    assert meeting.video_url in html and "Emil Expert (demo)" in html
    assert "@@ics" in html
    # The case page's timeline writes it as the meeting page does, and in
    # the reader's language.
    html = case.restrictedTraverse("@@view")()
    assert "Thursday 03 December 2026, 14:00 - 15:00 (Europe/Paris)" in html
    demo_portal.REQUEST.set("LANGUAGE", "fr")
    try:
        html = case.restrictedTraverse("@@view")()
    finally:
        demo_portal.REQUEST.set("LANGUAGE", "en")
    assert "jeudi 03 décembre 2026, 14:00 - 15:00 (Europe/Paris)" in html
    login(demo_portal, "expert1")
    scan = api.content.create(
        container=case,
        type="MedicalFile",
        title="X-ray",
        file=NamedBlobFile(PNG_IMAGE, filename="xray.png"),
    )
    html = scan.restrictedTraverse("@@view")()
    assert "PNG image" in html and "@@download/file" in html
    assert "@@images/preview" in html  # the thumbnail
