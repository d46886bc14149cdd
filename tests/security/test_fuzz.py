"""The portal's own fuzz test: malformed and hostile requests against a live
server, as anonymous, a plain member, a healthcare professional and a
coordinator.

Hypothesis draws, with a fixed seed (``derandomize``), requests over the REST
services, plone.restapi's content and search endpoints and the case form:
odd methods, odd path segments (lone surrogates, ``++skin++``, bad UIDs),
odd query parameters, bodies that are not JSON, not an object, deeply
nested, or objects whose fields hold values of every JSON type and hostile
text. It fails on any answer 5xx, on any answer slower than ``SLOW``, and,
after the run, on any value stored in a content object that its own schema
refuses, or a case page that no longer opens.
"""

import json
import re
import time
from urllib.parse import quote
from urllib.parse import urlencode

import pytest
import requests
import transaction
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.dexterity.utils import iterSchemata
from plone.testing.zope import WSGI_SERVER_FIXTURE
from zope.schema import getFieldsInOrder

from cpms.core.boundary import BoundaryFilter
from cpms.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

EXAMPLES = 700  # each example is sent as four users: about 2,800 requests
SLOW = 2.0  # seconds
# Anonymous, a plain member, a healthcare professional, and a coordinator
# (who reaches the deeper code of @guests, @sharing, @invite).
USERS = (None, "guest", "clinician", "coordinator")
CASE = "/cases/demo-blue-heron"

ENDPOINTS = (
    "",
    "/cases",
    CASE,
    f"{CASE}/@workflow/submit",
    f"{CASE}/@workflow/request_info",
    f"{CASE}/@sharing",
    f"{CASE}/@invite",
    f"{CASE}/@panel",
    f"{CASE}/@audit",
    f"{CASE}/@report-pdf",
    "/cases/@copy",
    "/@search",
    "/@querystring-search",
    "/@access-requests",
    "/@guests",
    "/@guests-purge",
    "/@my-cases",
    "/@coordinator-dashboard",
    "/@notification-settings",
    "/@vocabularies/cpms.vocabularies.hpo_terms",
    "/@vocabularies/cpms.vocabularies.healthcare_providers",
    f"{CASE}/@similar-cases",
    f"{CASE}/@diagnosis-suggestions",
    f"{CASE}/@external-experts",
    f"{CASE}/@contact-requests",
    "/@contact-requests",
    "/@contact-requests/x/accept",
    "/@statistics",
    "/@kpis",
    "/@activity-report",
    "/referrals",
    "/@types/Case",
    "/resolveuid/0123456789abcdef0123456789abcdef",
)
METHODS = ("GET", "GET", "POST", "POST", "PATCH", "PUT", "DELETE", "FOO", "GETT")
ODD_SEGMENTS = (
    "%ED%A0%80",
    "%ED%BF%BF",
    "%00",
    "%FF",
    "..",
    "++skin++x",
    "++resource++x",
    "@@x",
    "@x",
    "a" * 300,
    "%E2%80%AE",
)
FIELDS = (
    "@type",
    "nickname",
    "sex",
    "year_of_birth",
    "age_band",
    "referring_hcp",
    "referring_clinician",
    "urgent",
    "expertise_area",
    "clinical_summary",
    "clinical_question",
    "orpha_codes",
    "icd10_codes",
    "hpo_terms",
    "text",
    "comment",
    "source",
    "case",
    "userid",
    "email",
    "until",
    "query",
    "b_size",
    "b_start",
    "entries",
    "mode",
    "justification",
    "profile",
    "healthcare_provider",
)
PARAMETERS = (
    "SearchableText",
    "portal_type",
    "review_state",
    "sort_on",
    "sort_order",
    "b_size",
    "b_start",
    "sort_limit",
    "path.depth",
    "path.query",
    "created.query",
    "created.range",
    "modified",
    "is_folderish",
    "fullobjects",
    "metadata_fields",
    "UID",
    "Subject.operator",
    "title",
    "token",
    "query",
)

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "x\udfffy",
            "\ud800",
            "a\nb",
            "a\r\nb",
            "\x00",
            "\x1b[31m",
            "\u202e",
            "a" * 5000,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "ORPHA:93930",
            "HP:0000252",
            "Q64.1",
            "danube-university-hospital",
            "neurogenic-bladder",
            "female",
            "care",
            "clinician",
            "2026-02-01",
            "9999-99-99",
        ]
    ),
)
scalars = st.one_of(
    hostile_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=3
        )
    ),
    max_leaves=8,
)
object_bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5)
raw_bodies = st.sampled_from(
    [
        "[1]",
        "null",
        "1",
        '"x"',
        "nope{",
        "{",
        '{"a": ' * 50 + "1" + "}" * 50,
        "[" * 3000 + "]" * 3000,
        '{"nickname": "x\\udfffy"}',
        "\xff\xfe",
    ]
)


def _encode(text):
    # Lone surrogates cannot be sent as UTF-8; send what a client would.
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile_requests(draw):
    method = draw(st.sampled_from(METHODS))
    path = draw(st.sampled_from(ENDPOINTS))
    if draw(st.integers(0, 4)) == 0:
        path += "/" + draw(st.sampled_from(ODD_SEGMENTS))
    names = draw(st.lists(st.sampled_from(PARAMETERS), max_size=3))
    query = "&".join(
        f"{name}={quote(_encode(draw(hostile_text)), safe='')}" for name in names
    )
    headers = {"Accept": "application/json"}
    body = None
    if method in ("POST", "PATCH", "PUT"):
        headers["Content-Type"] = "application/json"
        kind = draw(st.integers(0, 3))
        if kind == 0:
            body = draw(raw_bodies).encode("utf-8", "surrogatepass")
        elif kind == 1:
            case = {
                "@type": "Case",
                "nickname": "Fuzzy Finch",
                "sex": "female",
                "year_of_birth": 2015,
                "referring_hcp": "danube-university-hospital",
                "expertise_area": "neurogenic-bladder",
                "clinical_summary": "Spina bifida.",
                "clinical_question": "Augmentation?",
            }
            case.update(draw(object_bodies))
            body = _encode(json.dumps(case))
        else:
            body = _encode(json.dumps(draw(object_bodies)))
    if draw(st.integers(0, 9)) == 0:
        headers["Authorization"] = draw(
            st.sampled_from(["Basic !!!", "Basic QQ==", "Bearer x.y.z", "Digest x"])
        )
    return method, path, query, headers, body


def form_values():
    return st.dictionaries(
        st.sampled_from(
            [
                "field.nickname",
                "field.sex",
                "field.year_of_birth",
                "field.age_band",
                "field.expertise_area",
                "field.urgent",
                "field.clinical_summary",
                "field.clinical_question",
                "field.referring_hcp",
                "consent.date",
                "consent.language",
                "consent.version",
            ]
        ),
        hostile_text,
        max_size=8,
    )


@pytest.fixture
def live(demo_functional_portal):
    # The instance serves Zope behind the boundary's WSGI filter (its
    # zope.ini pipeline); the test server gets the same filter in front.
    server = WSGI_SERVER_FIXTURE.server
    zope_app = server.test_app
    server.test_app = BoundaryFilter(zope_app)
    sessions = {}
    for userid in USERS:
        session = requests.Session()
        if userid:
            session.auth = (userid, DEMO_PASSWORD)
        sessions[userid] = session
    yield demo_functional_portal, sessions
    for session in sessions.values():
        session.close()
    server.test_app = zope_app


def send(session, method, url, **kwargs):
    started = time.perf_counter()
    answer = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    return answer, time.perf_counter() - started


def kind_of(answer):
    try:
        return answer.json().get("type")
    except ValueError:
        return answer.text[-120:]


def stored_problems(portal):
    """Values in content objects that their own schema refuses."""
    transaction.begin()  # see what the server's threads committed
    problems = []
    catalog = api.portal.get_tool("portal_catalog")
    types = ("Case", "ConsentRecord", "Contribution", "OutcomeReport", "Meeting")
    types += ("MedicalFile", "AccessRequest", "Referral", "HealthcareProvider")
    for brain in catalog.unrestrictedSearchResults(portal_type=types):
        obj = brain._unrestrictedGetObject()
        for schema in iterSchemata(obj):
            if not schema.__module__.startswith("cpms."):
                continue
            for name, field in getFieldsInOrder(schema):
                if field.readonly or name not in obj.__dict__:
                    continue
                value = obj.__dict__[name]
                if value is None or value == field.missing_value:
                    continue
                try:
                    field.bind(obj).validate(value)
                except Exception as error:  # any refusal is a finding
                    problems.append(f"{brain.getPath()} {name}={value!r}: {error}")
    return problems


def test_hostile_requests_get_4xx_fast_and_store_nothing_invalid(live):
    portal, sessions = live
    base = portal.absolute_url()
    api_base = f"{base}/++api++"
    failures = {}  # one example of each kind of failure

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile_requests())
    def probe(request):
        method, path, query, headers, body = request
        url = f"{api_base}{path}" + (f"?{query}" if query else "")
        for userid, session in sessions.items():
            answer, seconds = send(session, method, url, headers=headers, data=body)
            if answer.status_code >= 500 or seconds > SLOW:
                kind = (answer.status_code, method, path, kind_of(answer))
                failures.setdefault(
                    kind,
                    f"{answer.status_code} {seconds:.1f}s {userid} {method} "
                    f"{url[:200]} {body[:200] if body else ''!r}: {answer.text[:300]}",
                )

    probe()
    assert failures == {}, "\n".join(failures.values())

    # The Classic UI: the case form and the search page.
    clinician = sessions["clinician"]
    page = clinician.get(f"{base}/@@new-case", timeout=30)
    assert page.status_code == 200
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    # The first rendering of a page compiles its templates: not timed.
    assert clinician.get(f"{base}/@@search", timeout=30).status_code == 200

    @settings(
        max_examples=EXAMPLES // 6,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(form_values(), st.sampled_from(["form.save", "form.submit"]))
    def fill_in(values, button):
        fields = {key: _encode(value) for key, value in values.items()}
        fields.update({"_authenticator": token, button: "1"})
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        data = urlencode(fields)
        answer, seconds = send(
            clinician, "POST", f"{base}/@@new-case", data=data, headers=form
        )
        if answer.status_code >= 500 or seconds > SLOW:
            failures[("form", answer.status_code)] = f"{seconds:.1f}s {values!r}"
        terms = quote(_encode(values.get("field.nickname", "heron")), safe="")
        answer, seconds = send(
            clinician, "GET", f"{base}/@@search?SearchableText={terms}"
        )
        if answer.status_code >= 500 or seconds > SLOW:
            failures[("search", answer.status_code)] = f"{seconds:.1f}s {terms!r}"

    fill_in()
    assert failures == {}, "\n".join(map(str, failures.items()))

    assert stored_problems(portal) == []
    with requests.Session() as admin:
        admin.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        catalog = api.portal.get_tool("portal_catalog")
        for brain in catalog.unrestrictedSearchResults(portal_type="Case"):
            page = admin.get(brain.getURL(), timeout=30)
            assert page.status_code == 200, brain.getURL()
