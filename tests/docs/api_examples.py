"""Read the request/response examples of docs/api.md and check them.

The format is described at the top of docs/api.md. The docs show the site at
``DOC_BASE``; the checker swaps in the test server's URL, and the documented
``admin:admin`` for the test layer's site owner.
"""

import json
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
DOC_BASE = "http://127.0.0.1:8080/cpms"
DOC_ADMIN = ("admin", "admin")
WILDCARD = "..."

FENCE = re.compile(r"^```http\n(.*?)^```", re.S | re.M)


@dataclass
class Example:
    request: str
    response: str
    line: int

    def describe(self) -> str:
        return f"docs/api.md line {self.line}:\n{self.request}"


@dataclass
class Section:
    title: str
    examples: list[Example] = field(default_factory=list)


def parse(text: str | None = None) -> list[Section]:
    text = DOC.read_text() if text is None else text
    sections: list[Section] = []
    offset = 0
    for chunk in re.split(r"(?m)^(?=## )", text):
        if chunk.startswith("## "):
            section = Section(chunk.splitlines()[0][3:].strip())
            blocks = [
                (m.group(1), text.count("\n", 0, offset + m.start()) + 1)
                for m in FENCE.finditer(chunk)
            ]
            if len(blocks) % 2:
                raise ValueError(f"'{section.title}': a request has no response")
            for (req, line), (resp, _) in zip(blocks[::2], blocks[1::2], strict=True):
                section.examples.append(Example(req, resp, line))
            sections.append(section)
        offset += len(chunk)
    return sections


def split_message(raw: str) -> tuple[str, dict[str, str], str]:
    head, _, body = raw.partition("\n\n")
    first, *header_lines = head.strip("\n").splitlines()
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return first.strip(), headers, body.strip()


def send(session, example: Example, base_url: str):
    first, headers, body = split_message(example.request)
    method, path, *_ = first.split()
    if not path.startswith("/cpms"):
        raise ValueError(f"request path must start with /cpms: {path}")
    url = base_url + path[len("/cpms") :]
    auth = None
    if headers.get("Authorization", "").startswith("Basic "):
        user, _, password = headers.pop("Authorization")[6:].partition(":")
        auth = (user, password)
        if auth == DOC_ADMIN:
            auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    data = body.replace(DOC_BASE, base_url).encode() if body else None
    return session.request(
        method, url, headers=headers, data=data, auth=auth, allow_redirects=False
    )


def check(response, example: Example, base_url: str) -> list[str]:
    """What differs between the documented and the real answer."""
    first, headers, body = split_message(example.response)
    problems = []
    status = int(first.split()[1])
    if response.status_code != status:
        problems.append(f"status {response.status_code}, documented {status}")
    for name, value in headers.items():
        actual = response.headers.get(name)
        if actual is None or not _text_matches(
            value.replace(DOC_BASE, base_url), actual
        ):
            problems.append(f"header {name}: {actual!r}, documented {value!r}")
    if body:
        expected = json.loads(body.replace(DOC_BASE, base_url))
        try:
            actual = response.json()
        except ValueError:
            problems.append(f"answer is not JSON: {response.text[:300]!r}")
        else:
            problems += [f"body{p}" for p in mismatches(expected, actual)]
    return problems


def _text_matches(expected: str, actual: str) -> bool:
    if WILDCARD not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split(WILDCARD))
    return re.fullmatch(pattern, actual, re.S) is not None


def mismatches(expected, actual, where: str = "") -> list[str]:
    if expected == WILDCARD:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: {actual!r} is not an object"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{where}.{key}: missing")
            else:
                found += mismatches(value, actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: {actual!r} is not a list"]
        return [
            f"{where}: no item matches {item!r}"
            for item in expected
            if not any(not mismatches(item, candidate) for candidate in actual)
        ]
    if isinstance(expected, str) and isinstance(actual, str):
        return [] if _text_matches(expected, actual) else [f"{where}: {actual!r}"]
    return [] if expected == actual else [f"{where}: {actual!r} != {expected!r}"]
