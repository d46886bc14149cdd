"""Whole-slide pathology: a pyramidal TIFF uploaded to a case becomes a slide,
its Deep Zoom image and tiles are made on request, cached, and as private as
the case."""

import base64
import io
from xml.etree import ElementTree

import openslide
import pytest
import transaction
from PIL import Image
from plone import api

from cpms.cases import states
from cpms.core.roles import PANEL_MEMBER
from cpms.imaging.slides import tiles
from cpms.imaging.slides.interfaces import ISlide
from cpms.imaging.slides.pyramid import sample_slide
from cpms.imaging.slides.pyramid import tissue
from cpms.imaging.slides.pyramid import write_pyramidal_tiff
from tests.collaboration.conftest import make_case
from tests.collaboration.conftest import make_user
from tests.collaboration.conftest import set_state

DZ = "{http://schemas.microsoft.com/deepzoom/2008}"


def _xml(data: bytes):
    return ElementTree.fromstring(data)  # noqa: S314 - the portal's own answer


@pytest.fixture(scope="module")
def slide_bytes():
    return sample_slide(1024, 768)


def test_the_pyramidal_tiff_is_read_by_openslide(tmp_path, slide_bytes):
    path = tmp_path / "slide.tif"
    path.write_bytes(slide_bytes)
    with openslide.OpenSlide(str(path)) as slide:
        assert slide.properties["openslide.vendor"] == "generic-tiff"
        assert slide.level_dimensions == ((1024, 768), (512, 384), (256, 192))
        region = slide.read_region((300, 200), 0, (64, 64)).convert("RGB")
    expected = tissue(1024, 768).crop((300, 200, 364, 264))
    # Deflate is lossless: the pixels are the drawn ones.
    assert list(region.getdata()) == list(expected.getdata())
    plain = tmp_path / "plain.tif"
    Image.new("RGB", (64, 64)).save(plain)  # a TIFF, but not tiled
    assert not tiles.is_slide(str(plain))
    assert write_pyramidal_tiff(tissue(300, 200), levels=1)[:4] == b"II*\x00"


def _case(portal):
    make_user("emil", fullname="Emil Expert")
    make_user("gus", fullname="Gus Outside")
    case = make_case(portal)
    api.user.grant_roles(username="emil", obj=case, roles=[PANEL_MEMBER])
    set_state(case, states.IN_DISCUSSION)
    return case


def _upload(session, case, data, filename="biopsy.tif"):
    return session.post(
        case.absolute_url(),
        json={
            "@type": "MedicalFile",
            "title": "Liver biopsy, H&E",
            "file": {
                "data": base64.b64encode(data).decode(),
                "encoding": "base64",
                "filename": filename,
            },
        },
    )


def test_a_slide_is_served_as_private_deep_zoom_tiles(
    functional_portal, rest, slide_bytes
):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    response = _upload(session, case, slide_bytes)
    assert response.status_code == 201, response.text
    url = response.json()["@id"]
    assert session.get(url).json()["kind"] == "Whole-slide image"

    dzi = session.get(f"{url}/@@deepzoom/slide.dzi")
    assert dzi.status_code == 200
    assert dzi.headers["Content-Type"].startswith("application/xml")
    image = _xml(dzi.content)
    assert image.get("TileSize") == "254" and image.get("Format") == "jpeg"
    size = image.find(f"{DZ}Size")
    assert (size.get("Width"), size.get("Height")) == ("1024", "768")

    # Deep Zoom level 10 is 1024 px wide: 254-px tiles with 1 px overlap.
    tile = session.get(f"{url}/@@deepzoom/slide_files/10/1_1.jpeg")
    assert tile.status_code == 200
    assert tile.headers["Content-Type"] == "image/jpeg"
    assert "no-store" in tile.headers["Cache-Control"]
    assert "private" in tile.headers["Cache-Control"]
    picture = Image.open(io.BytesIO(tile.content))
    assert picture.format == "JPEG" and picture.size == (256, 256)
    # The whole slide at level 0 is a single 1x1 pixel tile.
    smallest = Image.open(
        io.BytesIO(session.get(f"{url}/@@deepzoom/slide_files/0/0_0.jpeg").content)
    )
    assert smallest.size == (1, 1)
    for missing in ("slide_files/10/9_9.jpeg", "slide_files/99/0_0.jpeg", "x.dzi"):
        assert session.get(f"{url}/@@deepzoom/{missing}").status_code == 404

    page = session.get(f"{url}/@@slide", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "openseadragon.min.js" in page.text
    assert f"{url}/@@deepzoom/slide.dzi" in page.text
    assert "1,024 × 768 pixels" in page.text
    assert "no-store" in page.headers["Cache-Control"]

    outsider = rest("gus")
    for path in (
        "@@deepzoom/slide.dzi",
        "@@deepzoom/slide_files/10/1_1.jpeg",
        "@@slide",
    ):
        assert outsider.get(f"{url}/{path}").status_code in (401, 403, 404), path
    anonymous = rest()
    anonymous.auth = None
    assert anonymous.get(f"{url}/@@deepzoom/slide_files/10/1_1.jpeg").status_code in (
        401,
        403,
        404,
    )


def test_the_case_page_links_to_the_slide(functional_portal, rest, slide_bytes):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    url = _upload(session, case, slide_bytes).json()["@id"]
    page = session.get(case.absolute_url(), headers={"Accept": "text/html"})
    assert f'href="{url}/@@slide"' in page.text
    # A TIFF that is not a slide stays a plain file, without a viewer link.
    plain = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(plain, format="TIFF")
    other = _upload(session, case, plain.getvalue(), "photo.tif").json()["@id"]
    assert session.get(f"{other}/@@slide").status_code == 404
    page = session.get(case.absolute_url(), headers={"Accept": "text/html"})
    assert f'href="{other}/@@slide"' not in page.text


def test_tiles_are_cached_and_forgotten_when_the_file_changes_or_goes(
    functional_portal, rest, slide_bytes
):
    case = _case(functional_portal)
    transaction.commit()
    session = rest("emil")
    url = _upload(session, case, slide_bytes).json()["@id"]
    tiles.TILE_CACHE.clear()
    first = session.get(f"{url}/@@deepzoom/slide_files/9/0_0.jpeg").content
    transaction.begin()
    (obj,) = [o for o in case.objectValues() if ISlide.providedBy(o)]
    uid = obj.UID()
    cached = [key for key in tiles.TILE_CACHE.items if key[0] == uid]
    assert len(cached) == 1 and cached[0][2:] == (9, 0, 0)
    assert tiles.TILE_CACHE.items[cached[0]] == first
    # The same tile again comes from the cache, not from OpenSlide.
    assert session.get(f"{url}/@@deepzoom/slide_files/9/0_0.jpeg").content == first

    # A new version of the file: the old tiles are gone, new ones differ.
    other = sample_slide(512, 384)
    admin = rest()  # the file's owner or a manager may replace or delete it
    patched = admin.patch(
        url,
        json={
            "file": {
                "data": base64.b64encode(other).decode(),
                "encoding": "base64",
                "filename": "biopsy-v2.tif",
            }
        },
    )
    assert patched.status_code == 204, patched.text
    transaction.begin()
    assert not [key for key in tiles.TILE_CACHE.items if key[0] == uid]
    size = _xml(session.get(f"{url}/@@deepzoom/slide.dzi").content).find(f"{DZ}Size")
    assert size.get("Width") == "512"
    session.get(f"{url}/@@deepzoom/slide_files/9/0_0.jpeg")
    assert [key for key in tiles.TILE_CACHE.items if key[0] == uid]

    # Removed (deleted or erased): nothing of it stays cached or served.
    assert admin.delete(url).status_code == 204
    assert not [key for key in tiles.TILE_CACHE.items if key[0] == uid]
    assert not [key for key in tiles.SLIDE_CACHE.items if key[0] == uid]
    assert session.get(f"{url}/@@deepzoom/slide_files/9/0_0.jpeg").status_code == 404


def test_the_tile_cache_is_bounded():
    cache = tiles._LRU(100, weigh=len)
    for index in range(10):
        cache.put(("uid", "path", 0, index, 0), b"x" * 30)
    assert cache.size <= 100
    assert len(cache.items) == 3
    assert ("uid", "path", 0, 9, 0) in cache.items
    assert cache.drop("uid") == 3 and cache.size == 0


def test_the_demo_builder_adds_one_slide_to_the_case_in_discussion(portal):
    from cpms.demo import DEMO_TAG
    from cpms.demo import slides

    make_user("clinician", fullname="Dr Demo Clinician")
    case = make_case(portal, nickname=slides.CASE, owner="clinician")
    case.setSubject([DEMO_TAG])
    case.reindexObject()
    with api.env.adopt_roles(["Manager"]):
        slides.build_slide(portal)
        slides.build_slide(portal)  # the profile may run twice
    (slide,) = [o for o in case.objectValues() if ISlide.providedBy(o)]
    assert slide.getId() == slides.SLIDE_ID
    assert slide.kind == "Whole-slide image"
    assert slide.preview.contentType == "image/png"
    assert slide.file.getSize() < 2_000_000  # small: drawn when the demo is built
