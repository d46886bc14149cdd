"""A pathology slide in headless Chromium: OpenSeadragon draws the tissue at
desktop and phone width, zoom responds, axe-core finds nothing critical or
serious. Screenshots in tests/artifacts/browser/slide/.

The slide is the demo's (``cpms.demo.slides``), added here to a case of the
plain test site, so that this test does not depend on the rest of the demo;
tests/browser/test_pages.py walks the demo's own slide page.
"""

import pytest
import transaction
from plone import api
from plone.namedfile.file import NamedBlobFile

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from cpms.imaging.slides.pyramid import sample_slide
from tests.browser.conftest import browser  # noqa: F401 - a fixture
from tests.browser.pages import DESKTOP
from tests.browser.pages import PHONE
from tests.browser.pages import axe_violations
from tests.browser.pages import screenshot
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

pytestmark = pytest.mark.slow

# Share of the viewer's canvas that is neither the stage's dark background nor
# transparent: the tissue drawn from tiles.
_DRAWN = """
() => {
  const canvas = window.cpmsSlideViewer.drawer.canvas;
  const context = canvas.getContext('2d');
  const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0;
  for (let i = 0; i < data.length; i += 16) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 0 && (r > 60 || g > 60 || b > 60)) drawn += 1;
  }
  return drawn / (data.length / 16);
}
"""


@pytest.fixture
def slide_url(functional_portal):
    make_user("emil", fullname="Emil Expert")
    make_user("gus", fullname="Gus Outside")
    case = make_case(functional_portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    with api.env.adopt_roles(["Manager"]):
        slide = api.content.create(
            container=case,
            type="MedicalFile",
            id="liver-biopsy",
            title="Liver biopsy, H&E",
            file=NamedBlobFile(sample_slide(), filename="liver-biopsy-he.tif"),
        )
    transaction.commit()
    return slide.absolute_url()


def _ready(page):
    page.wait_for_selector("#cpms-slide[data-state=ready]", timeout=20_000)
    page.wait_for_function(
        "window.cpmsSlideViewer.world.getItemAt(0)"
        " && window.cpmsSlideViewer.world.getItemAt(0).getFullyLoaded()",
        timeout=20_000,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_slide_viewer_draws_and_zooms(slide_url, tab, viewport):
    page = tab("emil", viewport=viewport)
    tiles = []
    page.on(
        "response",
        lambda response: (
            tiles.append(response.status)
            if "/@@deepzoom/slide_files/" in response.url
            else None
        ),
    )
    page.goto(f"{slide_url}/@@slide", wait_until="domcontentloaded")
    _ready(page)
    assert tiles and set(tiles) == {200}
    assert page.evaluate(_DRAWN) > 0.2, "the canvas is blank"
    # Announced to screen readers: loaded, then the zoom it settled at.
    assert page.inner_text("#cpms-slide-status").startswith(("Slide loaded", "Zoom"))
    screenshot(page, f"slide/emil-slide-{viewport['width']}")

    before = page.evaluate("window.cpmsSlideViewer.viewport.getZoom(true)")
    asked = len(tiles)
    page.get_by_role("button", name="Zoom in (+)").click()
    page.get_by_role("button", name="Zoom in (+)").click()
    page.wait_for_function(
        f"window.cpmsSlideViewer.viewport.getZoom(true) > {before} * 2"
    )
    _ready(page)
    assert "Zoom" in page.inner_text("#cpms-slide-status")
    assert len(tiles) > asked, "zooming in fetched no sharper tiles"
    screenshot(page, f"slide/emil-slide-zoomed-{viewport['width']}")
    # Keys work once the slide has the focus.
    page.focus("#cpms-slide-stage")
    page.keyboard.press("0")
    page.wait_for_function(
        f"window.cpmsSlideViewer.viewport.getZoom(true) < {before} * 1.2"
    )
    assert page.evaluate(_DRAWN) > 0.2
    assert axe_violations(page) == []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= viewport["width"], "the page scrolls sideways"


def test_an_outsider_gets_no_slide_and_no_tile(slide_url, tab):
    page = tab("gus")
    response = page.goto(f"{slide_url}/@@slide")
    assert response.status in (401, 403, 404) or "insufficient-privileges" in (page.url)
    assert "cpms-slide-stage" not in page.content()
    tile = page.request.get(f"{slide_url}/@@deepzoom/slide_files/8/0_0.jpeg")
    # Refused: an error status, or Plone's redirect to its refusal page.
    assert tile.status in (401, 403, 404) or tile.url.endswith(
        "/insufficient-privileges"
    )
    assert not tile.headers.get("content-type", "").startswith("image/")
