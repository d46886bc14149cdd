"""Every example of docs/api.md runs against a fresh demo site and holds."""

import pytest
import requests

from tests.docs.api_examples import check
from tests.docs.api_examples import mismatches
from tests.docs.api_examples import parse
from tests.docs.api_examples import send

SECTIONS = [s for s in parse() if s.examples]


@pytest.mark.parametrize("section", SECTIONS, ids=[s.title for s in SECTIONS])
def test_documented_examples(demo_functional_portal, section):
    base_url = demo_functional_portal.absolute_url()
    with requests.Session() as session:
        for example in section.examples:
            response = send(session, example, base_url)
            problems = check(response, example, base_url)
            assert not problems, (
                f"{example.describe()}\n"
                + "\n".join(problems)
                + f"\nanswer: {response.text[:1500]}"
            )


def test_the_docs_have_examples():
    assert SECTIONS, "docs/api.md documents no call"


def test_matching_rules():
    assert not mismatches({"a": "..."}, {"a": 1, "b": 2})
    assert mismatches({"a": 1}, {"a": 2})
    assert not mismatches([{"id": "x"}], [{"id": "y"}, {"id": "x", "n": 1}])
    assert mismatches([{"id": "z"}], [{"id": "y"}])
    assert not mismatches("http://h/cpms/cases/...", "http://h/cpms/cases/ERN-1")
    assert mismatches("http://h/cpms/cases/...", "http://h/cpms/guides/x")
