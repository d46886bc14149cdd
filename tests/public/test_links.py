"""No broken internal link on the public site, as an anonymous visitor.

A crawler starts at the front page of the demo site over real HTTP, follows
every internal link, stylesheet, script and image it finds on the pages it
reaches, and asserts that none answers 4xx or 5xx.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag
from urllib.parse import urljoin
from urllib.parse import urlparse

import pytest
import requests

# 72 consent forms (page and PDF each) and the guides' translations.
MAX_PAGES = 800
# Actions that change state or need a login are not pages a visitor reads;
# nor is the language switcher (it sets a cookie and goes back to the page,
# from every page in seven languages).
SKIP = ("/logout", "/@@logout", "/login_form", "/@@cpms-logout")
ACTIONS = ("/@@switch-language",)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            value = attrs.get(name)
            if value and tag in ("a", "link", "script", "img", "source"):
                self.urls.append(value)


def crawl(start: str) -> tuple[dict[str, int], dict[str, str]]:
    """Status of every internal URL reachable from ``start``, and a referrer."""
    root = start.rstrip("/")
    host = urlparse(start).netloc
    seen: dict[str, int] = {}
    found_on: dict[str, str] = {start: "(start)"}
    queue = [start]
    with requests.Session() as session:
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            response = session.get(url, timeout=30)
            seen[url] = response.status_code
            is_html = "text/html" in response.headers.get("Content-Type", "")
            if not is_html or not response.url.startswith(root):
                continue
            parser = _Links()
            parser.feed(response.text)
            for raw in parser.urls:
                link = urldefrag(urljoin(response.url, raw)).url
                parsed = urlparse(link)
                if parsed.scheme not in ("http", "https") or parsed.netloc != host:
                    continue
                if not link.startswith(root) or link.endswith(SKIP):
                    continue
                if any(action in parsed.path for action in ACTIONS):
                    continue
                if link not in seen and link not in queue:
                    queue.append(link)
                    found_on.setdefault(link, url)
    return seen, found_on


@pytest.mark.slow  # crawls a few hundred URLs
def test_no_broken_internal_links(demo_functional_portal):
    start = demo_functional_portal.absolute_url() + "/"
    seen, found_on = crawl(start)
    broken = {
        url: (status, found_on.get(url))
        for url, status in seen.items()
        if status >= 400
    }
    assert not broken, broken
    # The crawl reached every public section and the demo items in them.
    for path in (
        "/guides/set-up-a-patient-panel",
        "/common-problems/browsers-supported",
        "/newsletter/issue-2",
        "/consent-forms/care-fr",
        "/network",
        "/refer-a-case",
        "/helpdesk",
    ):
        assert any(url.rstrip("/").endswith(path) for url in seen), path
    assert len(seen) < MAX_PAGES, "crawl limit reached: raise it or skip more"
