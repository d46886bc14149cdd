"""The network's look: name, logo, colours and footer from the theme
control panel, checked for contrast; the demo network's own on the demo."""

from pathlib import Path

import pytest
import requests
import transaction
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.formwidget.namedfile.converter import b64decode_file
from plone.testing.zope import Browser

from cpms.theme.contrast import contrast_ratio
from cpms.theme.settings import get_theme

ROOT = Path(__file__).resolve().parents[2]
DEMO_LOGO = ROOT / "profiles" / "demo" / "theme" / "ern-urorare-logo.svg"


def test_contrast_ratio_as_wcag_defines_it():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # The classic borderline grey: just below AA for normal text.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_demo_logo_in_the_registry_is_the_svg_file(demo_portal):
    for record in ("plone.site_logo", "plone.site_favicon"):
        filename, data = b64decode_file(api.portal.get_registry_record(record))
        assert filename == DEMO_LOGO.name
        assert data == DEMO_LOGO.read_bytes()


def test_demo_pages_show_the_network_instead_of_plone(demo_functional_portal):
    url = demo_functional_portal.absolute_url()
    page = requests.get(url, timeout=60).text
    assert "ERN UroRare (demo)" in page
    logo_url = f"{url}/@@site-logo/{DEMO_LOGO.name}"
    assert f'<img class="cpms-brand-logo" src="{logo_url}" alt="" />' in page
    assert "--cpms-primary:#005f73" in page
    assert "++plone++cpms-theme/theme.css" in page
    assert "No real patients, no real data." in page  # the footer text
    assert "Powered by Plone" not in page
    assert "Plone Foundation" not in page
    assert "plone-logo.svg" not in page
    assert "Skip to content" in page
    logo = requests.get(logo_url, timeout=60)
    assert logo.status_code == 200
    assert logo.content == DEMO_LOGO.read_bytes()


def test_without_settings_the_name_shows_alone(functional_portal):
    url = functional_portal.absolute_url()
    page = requests.get(url, timeout=60).text
    assert '<span class="cpms-brand-name">CPMS portal</span>' in page
    assert "cpms-brand-logo" not in page
    assert "Powered by Plone" not in page


def test_a_colour_set_past_the_control_panel_cannot_break_pages(portal):
    api.portal.set_registry_record("cpms.theme.primary_colour", "dark blue")
    assert get_theme().primary_colour == "#0b5394"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (60, 60), "#7a3b8f").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def manager_browser(functional):
    browser = Browser(functional["app"])
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    return browser


def test_control_panel_refuses_colours_white_text_cannot_be_read_on(
    manager_browser, functional_portal
):
    url = functional_portal.absolute_url()
    manager_browser.open(f"{url}/@@cpms-theme-controlpanel")
    manager_browser.getControl(name="form.widgets.primary_colour").value = "#7fb2e5"
    manager_browser.getControl(name="form.buttons.save").click()
    assert "has a contrast of 2.2:1 with white" in manager_browser.contents
    assert "Choose a darker colour" in manager_browser.contents
    transaction.begin()
    assert api.portal.get_registry_record("cpms.theme.primary_colour") == "#0b5394"


def test_control_panel_sets_name_colours_and_footer(manager_browser, functional_portal):
    url = functional_portal.absolute_url()
    manager_browser.open(f"{url}/@@overview-controlpanel")
    manager_browser.getLink("Network look").click()
    manager_browser.getControl(name="form.widgets.network_name").value = "ERN Test"
    manager_browser.getControl(name="form.widgets.primary_colour").value = "#7a3b8f"
    manager_browser.getControl(name="form.widgets.accent_colour").value = "#c2185b"
    manager_browser.getControl(
        name="form.widgets.footer_text"
    ).value = "Run by the test network office."
    manager_browser.getControl(name="form.widgets.logo").add_file(
        _png(), "image/png", "ern-test.png"
    )
    manager_browser.getControl(name="form.buttons.save").click()
    assert "Changes saved" in manager_browser.contents
    page = requests.get(url, timeout=60).text
    assert f'src="{url}/@@site-logo/ern-test.png"' in page
    assert '<span class="cpms-brand-name">ERN Test</span>' in page
    assert "--cpms-primary:#7a3b8f" in page
    assert "--cpms-accent:#c2185b" in page
    assert "Run by the test network office." in page


def test_control_panel_is_for_site_administrators(functional_portal):
    from tests.security.helpers import PASSWORD
    from tests.security.helpers import create_users
    from tests.security.helpers import userid

    create_users()
    transaction.commit()
    url = f"{functional_portal.absolute_url()}/@@cpms-theme-controlpanel"
    for row in ("owner", "coordinator", "editor"):
        answer = requests.get(url, auth=(userid(row), PASSWORD), timeout=60)
        assert "Network look" not in answer.text, row
        assert "Insufficient Privileges" in answer.text, row


def test_running_the_profile_again_keeps_the_look_staff_set(demo_portal, setup_tool):
    setup_tool.runImportStepFromProfile("profile-cpms:default", "plone.app.registry")
    assert get_theme().network_name == "ERN UroRare (demo)"
    assert get_theme().primary_colour == "#005f73"
    assert api.portal.get_registry_record("plone.site_logo")
