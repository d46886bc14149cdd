"""The portal with the keyboard alone: a skip link first, a focus ring that
shows, the member menu opened and left with keys."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def focused(page) -> dict:
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const style = getComputedStyle(e);
          const box = e.getBoundingClientRect();
          return {text: e.innerText.trim(), tag: e.tagName, id: e.id,
                  outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  visible: box.width > 0 && box.height > 0 && box.top >= 0};
        }"""
    )


def test_skip_link_comes_first_and_leads_to_the_content(site, tab):
    page = tab()
    page.goto(site["front page"], wait_until="networkidle")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content"
    assert first["visible"], "the skip link shows when it has the focus"
    page.keyboard.press("Enter")
    assert page.url.endswith("#portal-column-content")
    # The next Tab continues inside the content, not at the top of the page.
    page.keyboard.press("Tab")
    inside = page.evaluate(
        "document.querySelector('#portal-column-content')"
        ".contains(document.activeElement)"
    )
    assert inside


def test_focused_controls_show_a_ring(site, tab):
    page = tab()
    page.goto(site["guides"], wait_until="networkidle")
    for _ in range(4):
        page.keyboard.press("Tab")
        ring = focused(page)
        assert ring["outline"] != "none", ring
        assert ring["width"] >= 2, ring


def test_member_menu_opens_and_closes_with_the_keyboard(site, tab):
    page = tab("clinician")
    page.goto(site["my cases"], wait_until="networkidle")
    menu = page.get_by_role("button", name="Clara Clinician (demo)")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    log_out = page.get_by_role("link", name="Log out")
    expect(log_out).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(log_out).to_be_hidden()
