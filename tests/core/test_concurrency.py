"""Two writes that really touch the same thing: a clear 409, never a 500
(cpms.core.concurrency), and what does not really touch the same thing
merges (cpms.core.textindex, cpms.core.audit)."""

import threading

import pytest
import requests
import transaction
from BTrees.IIBTree import IIBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.restapi.services.content.update import ContentPatch
from Products.ZCTextIndex.Lexicon import CaseNormalizer
from Products.ZCTextIndex.Lexicon import Lexicon
from Products.ZCTextIndex.Lexicon import Splitter
from Products.ZCTextIndex.OkapiIndex import OkapiIndex
from ZODB.DB import DB
from ZODB.DemoStorage import DemoStorage
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
from ZPublisher.HTTPRequest import HTTPRequest

from cpms.cases.browser.enrol import CaseForm
from cpms.cases.case_id import create_case
from cpms.core import audit
from cpms.core.concurrency import changed_fields
from cpms.core.concurrency import version_of
from cpms.core.textindex import convert_postings
from tests.helpers.network import make_test_network


def case_fields(network):
    area, hcp = network
    return {
        "nickname": "Blue Heron",
        "sex": "female",
        "year_of_birth": 2019,
        "referring_hcp": hcp.UID(),
        "referring_clinician": SITE_OWNER_NAME,
        "expertise_area": area.UID(),
        "clinical_summary": "Recurrent urinary tract infections since infancy.",
        "clinical_question": "Is surgery indicated now or later?",
    }


# --- versions of an item --------------------------------------------------------


def test_a_version_names_the_fields_changed_since(portal):
    case = create_case(portal["cases"], **case_fields(make_test_network(portal)))
    version = version_of(case)
    assert changed_fields(case, version) == []
    case.nickname = "Grey Heron"
    case.urgent = True
    assert version_of(case) != version
    assert sorted(changed_fields(case, version)) == ["nickname", "urgent"]
    # Not a version of this item's fields: everything may have changed.
    assert changed_fields(case, "v1-abcdef") is None
    assert changed_fields(case, "made up") is None


# --- REST: ETag and If-Match ------------------------------------------------------


@pytest.fixture
def admin(functional_portal):
    with requests.Session() as session:
        session.headers["Accept"] = "application/json"
        session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
        yield session


@pytest.fixture
def case_url(functional_portal):
    network = make_test_network(functional_portal)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        case = create_case(functional_portal["cases"], **case_fields(network))
    transaction.commit()
    return case.absolute_url()


def test_an_edit_of_a_field_someone_changed_since_answers_409(admin, case_url):
    read = admin.get(case_url)
    assert read.status_code == 200, read.text
    etag = read.headers["ETag"]
    # Someone else changes the nickname meanwhile.
    other = admin.patch(case_url, json={"nickname": "Grey Heron"})
    assert other.status_code == 204, other.text
    assert other.headers["ETag"] != etag

    mine = admin.patch(
        case_url, json={"nickname": "Green Heron"}, headers={"If-Match": etag}
    )
    assert mine.status_code == 409, mine.text
    body = mine.json()
    assert body["type"] == "Conflict"
    assert 'nickname: now "Grey Heron"' in body["message"]
    assert "was not saved" in body["message"]
    # Nothing of it was saved.
    assert admin.get(case_url).json()["nickname"] == "Grey Heron"


def test_an_edit_of_other_fields_merges(admin, case_url):
    etag = admin.get(case_url).headers["ETag"]
    assert admin.patch(case_url, json={"nickname": "Grey Heron"}).status_code == 204
    mine = admin.patch(case_url, json={"urgent": True}, headers={"If-Match": etag})
    assert mine.status_code == 204, mine.text
    data = admin.get(case_url).json()
    assert (data["nickname"], data["urgent"]) == ("Grey Heron", True)
    # With the current version, and without If-Match, edits go through.
    current = admin.get(case_url).headers["ETag"]
    again = admin.patch(
        case_url, json={"nickname": "Teal Heron"}, headers={"If-Match": current}
    )
    assert again.status_code == 204
    assert admin.patch(case_url, json={"nickname": "Blue Heron"}).status_code == 204


def test_if_match_that_is_no_version_of_the_item_answers_409(admin, case_url):
    refused = admin.patch(
        case_url, json={"urgent": True}, headers={"If-Match": '"something-else"'}
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "Conflict"
    assert admin.get(case_url).json()["urgent"] is False


# --- a ConflictError Zope gave up on ------------------------------------------------


def conflict(*args, **kwargs):
    raise ConflictError("database conflict error (oid 0x01, class Test)")


@pytest.fixture
def always_conflicts(case_url, monkeypatch):
    """The case's edit form and REST PATCH meet a conflict every time."""
    # Zope gives up at once instead of after its retries and their pauses.
    monkeypatch.setattr(HTTPRequest, "retry_max_count", 0)
    monkeypatch.setattr(ContentPatch, "reply", conflict)
    monkeypatch.setattr(CaseForm, "__call__", conflict)
    return case_url


def test_rest_answers_409_in_the_portal_error_shape(admin, always_conflicts):
    response = admin.patch(always_conflicts, json={"urgent": True})
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "Conflict"
    assert "Nothing of this request was saved" in body["message"]


def test_the_web_page_keeps_what_was_typed(always_conflicts):
    form = [
        ("form.widgets.text", "My long opinion <on> the case & more"),
        ("form.widgets.codes:list", "HP:0000252"),
        ("form.widgets.codes:list", "HP:0000047"),
        ("_authenticator", "token"),
        ("form.buttons.save", "Save"),
    ]
    response = requests.post(
        always_conflicts + "/@@edit-case",
        data=form,
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        headers={"Accept": "text/html"},
        timeout=60,
    )
    assert response.status_code == 409
    page = response.text
    assert "Not saved yet" in page
    assert "Send again" in page
    # Every field as it was sent, to be sent again to the same address.
    assert 'value="My long opinion &lt;on&gt; the case &amp; more"' in page
    assert 'name="form.widgets.codes:list" value="HP:0000047"' in page
    assert 'name="_authenticator" value="token"' in page
    assert f'action="{always_conflicts}/@@edit-case"' in page


# --- writes that do not really touch the same thing merge ---------------------------


def test_text_index_postings_merge_when_two_writes_index_at_once(portal):
    """Two transactions index documents sharing a rare word at the same time.

    Plone's index kept a rare word's documents in a dict, which ZODB cannot
    merge: the second transaction failed with a ConflictError.
    """
    # A database of its own (DemoStorage resolves conflicts as FileStorage
    # and RelStorage do), with transactions of its own.
    db = DB(DemoStorage())
    first = transaction.TransactionManager()
    try:
        connection = db.open(transaction_manager=first)
        root = connection.root()
        lexicon = root["lexicon"] = Lexicon(Splitter(), CaseNormalizer())
        index = root["index"] = OkapiIndex(lexicon)
        for docid in range(1, 4):
            index.index_doc(docid, "bladder kidney surgery")
        index.index_doc(4, "bladder exstrophy")  # exstrophy: a rare word
        first.commit()
        assert all(
            isinstance(postings, IIBTree) for postings in index._wordinfo.values()
        )

        managers = [transaction.TransactionManager() for _ in range(2)]
        others = [db.open(transaction_manager=tm) for tm in managers]
        for docid, (tm, other) in enumerate(zip(managers, others, strict=True), 10):
            tm.begin()
            other.root()["index"].index_doc(docid, "exstrophy kidney surgery")
        for tm in managers:
            tm.commit()  # the second merges with the first
        first.begin()
        assert set(index._wordinfo[lexicon._wids["exstrophy"]]) == {4, 10, 11}
        for other in others:
            other.close()
        connection.close()
    finally:
        db.close()


def test_dict_postings_of_an_existing_index_are_converted(portal):
    catalog = portal.portal_catalog
    okapi = catalog._catalog.getIndex("SearchableText").index
    wid = next(iter(okapi._wordinfo.keys()))
    okapi._wordinfo[wid] = dict(okapi._wordinfo[wid])
    assert convert_postings(catalog) >= 1
    assert isinstance(okapi._wordinfo[wid], IIBTree)


def test_two_audit_entries_recorded_at_once_both_stay(functional_portal):
    network = make_test_network(functional_portal)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        case = create_case(functional_portal["cases"], **case_fields(network))
        audit.record(case, "first", "Before the others.")
    transaction.commit()
    db = functional_portal._p_jar.db()
    path = case.getPhysicalPath()
    both_recorded = threading.Barrier(2)
    errors = []

    def record(action, first, committed):
        connection = db.open()
        try:
            transaction.begin()
            case = connection.root()["Application"].unrestrictedTraverse(path)
            audit.record(case, action, actor="someone")
            both_recorded.wait(timeout=60)
            if not first:
                committed.wait(timeout=60)
            transaction.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            if first:
                committed.set()
            transaction.abort()
            connection.close()

    committed = threading.Event()
    threads = [
        threading.Thread(target=record, args=("override", True, committed)),
        threading.Thread(target=record, args=("withdrawal", False, committed)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    transaction.begin()
    actions = [e["action"] for e in audit.entries(case)]
    assert actions[0] == "first"
    assert sorted(actions[1:]) == ["override", "withdrawal"]


def test_an_audit_trail_of_the_first_version_is_kept_in_order(portal):
    case = create_case(portal["cases"], **case_fields(make_test_network(portal)))
    IAnnotations(case)[audit.KEY] = PersistentList(
        [
            PersistentMapping(
                action="a", actor="x", time="2026-01-01T10:00:00+00:00", message=""
            ),
            PersistentMapping(
                action="b", actor="y", time="2026-01-01T10:00:00+00:00", message=""
            ),
        ]
    )
    assert [e["action"] for e in audit.entries(case)] == ["a", "b"]
    audit.record(case, "c", actor="z")
    assert [e["action"] for e in audit.entries(case)] == ["a", "b", "c"]
    assert audit.entries(case)[0] == {
        "action": "a",
        "actor": "x",
        "time": "2026-01-01T10:00:00+00:00",
        "message": "",
    }


def test_zope_pauses_briefly_before_it_redoes_a_request(portal, monkeypatch):
    pauses = []
    monkeypatch.setattr("time.sleep", pauses.append)
    request = HTTPRequest(None, {"SERVER_NAME": "x", "SERVER_PORT": "80"}, None)
    for count in range(10):
        request.retry_count = count
        request.delay_retry()
    assert pauses[0] <= 0.25
    assert max(pauses) <= 2.0
