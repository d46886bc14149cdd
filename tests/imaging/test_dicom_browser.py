"""The DICOM viewer in headless Chromium, at desktop and phone width: dwv
draws the series (the canvas is not blank), the buttons and keys respond
(zoom and window/level change the pixels, the arrow keys change the image),
axe-core finds nothing critical or serious. Screenshots in
tests/artifacts/browser/dicom/.

The series is the demo's phantom (``cpms.imaging.phantom``), uploaded here
to a case of the plain test site through the same code as the demo;
tests/browser/test_pages.py walks the demo's own series page.
"""

import re

import pytest
import transaction
from plone import api

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from cpms.imaging import phantom
from cpms.imaging import studies
from tests.browser.conftest import browser  # noqa: F401 - a fixture
from tests.browser.pages import DESKTOP
from tests.browser.pages import PHONE
from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

pytestmark = pytest.mark.slow

# The view layer's canvas: share of pixels that are not black, and a sum of
# a sample of them (changes when zoom or window/level change the picture).
_PIXELS = """
() => {
  const canvas = document.querySelector('#cpms-dicom-layers canvas');
  const context = canvas.getContext('2d');
  const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
  let lit = 0, sum = 0, n = 0;
  for (let i = 0; i < data.length; i += 16) {
    const v = data[i] + data[i + 1] + data[i + 2];
    if (v > 30) lit += 1;
    sum += v;
    n += 1;
  }
  return {lit: lit / n, sum: sum, width: canvas.width, height: canvas.height};
}
"""


@pytest.fixture
def series_url(functional_portal):
    make_user("emil", fullname="Emil Expert")
    make_user("gus", fullname="Gus Outside")
    case = make_case(functional_portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    with api.env.adopt_user(username="emil"):
        (series,) = studies.import_files(case, phantom.ct_series(12, size=192)).series
    transaction.commit()
    return series.absolute_url()


def _settle(page):
    page.wait_for_timeout(300)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_dicom_viewer_draws_and_responds(series_url, tab, viewport):
    page = tab("emil", viewport=viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(series_url, wait_until="domcontentloaded")
    page.wait_for_selector("#cpms-dicom-viewer[data-state=ready]", timeout=30_000)
    _settle(page)
    assert errors == []
    first = page.evaluate(_PIXELS)
    assert first["lit"] > 0.2, f"the canvas is blank: {first}"
    status = page.inner_text("#cpms-dicom-status")
    start = int(re.match(r"Image (\d+) of 12\.", status).group(1))
    screenshot(page, f"dicom/emil-series-{viewport['width']}")

    # Keyboard: the arrow key moves to the next image.
    page.focus("#cpms-dicom-stage")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    _settle(page)
    expected = f"Image {start + 2} of 12" if start <= 10 else f"Image {start} of 12"
    assert page.inner_text("#cpms-dicom-status").startswith(expected)
    scrolled = page.evaluate(_PIXELS)
    assert scrolled["sum"] != first["sum"], "scrolling did not change the image"

    # Window/level button: a narrower window changes the pixels.
    page.get_by_role("button", name="Narrower window").click()
    page.get_by_role("button", name="Narrower window").click()
    page.get_by_role("button", name="Raise level").click()
    _settle(page)
    assert "Window 300, level 60" in page.inner_text("#cpms-dicom-status")
    windowed = page.evaluate(_PIXELS)
    assert windowed["sum"] != scrolled["sum"], "window/level changed nothing"

    # Zoom in: the phantom fills more of the canvas.
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    _settle(page)
    zoomed = page.evaluate(_PIXELS)
    assert zoomed["lit"] > windowed["lit"], (windowed, zoomed)
    screenshot(page, f"dicom/emil-series-zoomed-{viewport['width']}")

    # Flip, rotate and the measuring tool answer too; Reset comes back.
    # (Flips and rotation transform the view, not the canvas: compare what
    # is on the screen.)
    shown = page.locator("#cpms-dicom-stage").screenshot()
    page.get_by_role("button", name="Flip horizontally").click()
    _settle(page)
    assert page.get_attribute("#cpms-dicom-viewer", "data-flip") == "-1,1"
    assert page.locator("#cpms-dicom-stage").screenshot() != shown
    page.get_by_role("button", name="Rotate by 90 degrees").click()
    assert page.get_attribute("#cpms-dicom-viewer", "data-rotation") == "90"
    page.get_by_role("button", name="Measure length (M)").click()
    assert page.get_attribute("[data-tool=Draw]", "aria-pressed") == "true"
    page.get_by_role("button", name="Reset the view").click()
    _settle(page)
    assert page.get_attribute("#cpms-dicom-viewer", "data-rotation") == "0"
    assert errors == []
    assert axe_violations(page) == []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= viewport["width"], "the page scrolls sideways"


def test_an_outsider_gets_no_viewer_and_no_image(series_url, tab):
    page = tab("gus")
    response = page.goto(series_url)
    assert "cpms-dicom-viewer" not in page.content()
    image = page.request.get(f"{series_url}/@@dicom/0")
    assert image.status in (401, 403) or b"DICM" not in image.body()
    assert response is not None
