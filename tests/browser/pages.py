"""What the browser tests check on every page, and how they log in.

- ``axe_violations(page)``: axe-core (vendored, pinned: ``make vendor-js``)
  run on the page for the WCAG 2.1 A and AA rules; the critical and serious
  violations as readable lines (rule id, help, the elements' selectors).
- ``sideways_overflow(page)``: how many pixels the page scrolls sideways at
  390 px, a small phone's width (0 when it fits).
- ``log_in(page, base_url, user)``: through the login form, as people do.
- ``PageLoads``: counts the pages a user loads (the main frame's ``load``
  events), for the journeys' budgets.
- ``screenshot(page, name)``: full-page PNGs under tests/artifacts/browser/
  (ignored by git) to look at.
"""

import re
import sys
import threading
import traceback
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from cpms.demo import DEMO_PASSWORD

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text()
# The version make vendor-js pins; the vendored file must be that one.
AXE_VERSION = "4.14.1"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")

# The addresses a login passes through before the landing page.
LOGIN_STEPS = re.compile(r"/(login|require_login|logged_in|cpms-after-login)\b")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

ARTIFACTS = ROOT / "tests" / "artifacts" / "browser"

_RUN_AXE = """
async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => impacts.includes(v.impact))
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
    }));
}
"""


def axe_violations(page) -> list[str]:
    """The page's critical and serious WCAG 2.1 A/AA violations, one per line."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE)
    found = page.evaluate(_RUN_AXE, [WCAG_TAGS, list(FAILING_IMPACTS)])
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'][:5])}"
        for v in found
    ]


def sideways_overflow(page) -> int:
    """Pixels the page scrolls sideways at phone width; the viewport is left
    at phone width."""
    page.set_viewport_size(PHONE)
    # Let media queries and the layout settle.
    page.wait_for_timeout(150)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    return max(0, width - PHONE["width"])


def server_threads() -> str:
    """Where each thread of this process stands (the test server's request
    threads among them): what a stalled page was waiting for."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    lines = []
    for ident, frame in sys._current_frames().items():
        stack = "".join(traceback.format_stack(frame, limit=12))
        lines.append(f"--- thread {names.get(ident, ident)}\n{stack}")
    return "\n".join(lines)


def log_in(page, base_url: str, user: str) -> None:
    """Log in through Plone's login form as a demo user."""
    # The form is filled once the page's scripts have run: a pattern that
    # redraws the form would otherwise take the click of a stale button.
    page.goto(f"{base_url}/login", wait_until="networkidle")
    page.fill("#__ac_name", user)
    page.fill("#__ac_password", DEMO_PASSWORD)
    # The login form posts, then redirects to the user's landing page. Its
    # document is enough to know where it landed; a busy machine (two
    # cores, other suites running) may take long over the page's resources.
    try:
        page.click("#buttons-login")
        page.wait_for_url(
            lambda url: not LOGIN_STEPS.search(url),
            wait_until="domcontentloaded",
            timeout=60_000,
        )
    except PlaywrightTimeoutError as error:
        raise AssertionError(
            f"{user}'s login got no landing page within 60 s (at {page.url});"
            f" the server's threads:\n{server_threads()}"
        ) from error
    page.wait_for_load_state("networkidle")
    assert page.locator("#__ac_password").count() == 0, f"{user} is not logged in"


class PageLoads:
    """Counts the pages loaded in one tab (the main frame's ``load`` events).

    ``with loads.step("submit"):`` notes how many loads a step took; the
    notes read as the journey's page-load budget when a test fails.
    """

    def __init__(self, page):
        self.count = 0
        self.steps: list[tuple[str, int]] = []
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.count += 1

    def mark(self, step: str) -> None:
        done = sum(n for _, n in self.steps)
        self.steps.append((step, self.count - done))

    def __str__(self):
        return ", ".join(f"{step}: {n}" for step, n in self.steps)


def screenshot(page, name: str) -> Path:
    """A full-page PNG at the page's current width under tests/artifacts/browser/."""
    width = page.viewport_size["width"]
    path = ARTIFACTS / f"{name}-{width}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, caret="hide", animations="disabled")
    return path
