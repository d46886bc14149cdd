"""The access audit's store: append-only records in a hash chain that
verification walks, naming the first record that was changed, removed or
inserted; rotation to the archive keeps the chain verifiable."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

from cpms.core import audit
from cpms.core import auditstore
from cpms.upgrades.v20261202001 import copy_trail


@pytest.fixture
def store(tmp_path):
    """A store of its own (the layer's is put back afterwards)."""
    previous = auditstore.url()
    auditstore.configure(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    yield auditstore
    auditstore.configure(previous)


def _fill(store, n, **values):
    return [
        store.append(action="view", user=f"user-{i}", case=f"ERN-{i % 3}", **values)
        for i in range(n)
    ]


def test_records_chain_and_verify(store):
    records = _fill(store, 5)
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev_hash"] == auditstore.GENESIS
    assert all(
        b["prev_hash"] == a["hash"]
        for a, b in zip(records[:-1], records[1:], strict=True)
    )
    assert store.verify() == {"ok": True, "records": 5, "last_id": 5}


def test_an_edited_record_is_named(store):
    _fill(store, 6)
    store.execute_raw("UPDATE audit_record SET user = 'someone-else' WHERE id = 4")
    result = store.verify()
    assert result["ok"] is False
    assert result["id"] == 4
    assert "record 4" in result["problem"]
    assert "changed" in result["problem"]


def test_a_removed_record_is_named(store):
    _fill(store, 6)
    store.execute_raw("DELETE FROM audit_record WHERE id = 3")
    result = store.verify()
    assert result["ok"] is False
    assert result["id"] == 4  # the record after the gap no longer links


def test_a_rewritten_tail_is_named(store):
    """Changing a record and recomputing its own hash breaks the next link."""
    records = _fill(store, 4)
    changed = {**records[1], "outcome": "allowed", "action": "nothing"}
    changed["hash"] = auditstore.digest(changed)
    store.execute_raw(
        "UPDATE audit_record SET action = :a, hash = :h WHERE id = 2",
        a=changed["action"],
        h=changed["hash"],
    )
    assert store.verify()["id"] == 3


def test_rotation_archives_and_expires_and_the_chain_still_verifies(store):
    now = datetime.now(UTC)

    def at(days):
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    for days in (400, 300, 100, 50, 1, 0):
        store.append(action="view", user="u", time=at(days))
    result = store.rotate(archive_after_days=90, keep_days=365, moment=now)
    assert result == {"archived": 3, "deleted": 1}
    found, total = store.search(archived=True, newest_first=False)
    assert total == 5
    assert [r["id"] for r in found] == [2, 3, 4, 5, 6]
    live, live_total = store.search()
    assert live_total == 3
    assert store.verify() == {"ok": True, "records": 5, "last_id": 6}
    # The chain goes on from the archive.
    store.append(action="view", user="u")
    assert store.verify()["ok"]
    store.execute_raw("UPDATE audit_archive SET user = 'x' WHERE id = 3")
    assert store.verify()["id"] == 3


def test_filters(store):
    store.append(action="view", user="a", case="C1", outcome="refused", channel="rest")
    store.append(action="download", user="b", case="C1", channel="download")
    store.append(action="view", user="a", case="C2")
    assert store.search(case="C1")[1] == 2
    assert store.search(user="a", outcome="refused")[1] == 1
    assert store.search(channel="download")[0][0]["user"] == "b"
    assert store.search(since="2000-01-01", until="2000-01-02")[1] == 0


def test_trail_entries_keep_their_shape_and_the_old_annotations_move(portal):
    from cpms.cases.case_id import create_case
    from tests.core.test_concurrency import case_fields
    from tests.helpers.network import make_test_network

    case = create_case(portal["cases"], **case_fields(make_test_network(portal)))
    IAnnotations(case)[audit.KEY] = PersistentList(
        [
            PersistentMapping(
                action="close_override",
                actor="cora",
                time="2026-01-01T10:00:00+00:00",
                message="Reason",
            )
        ]
    )
    assert [e["action"] for e in audit.entries(case)] == ["close_override"]
    assert copy_trail(case) == 1
    assert audit.KEY not in IAnnotations(case)
    (entry,) = audit.entries(case)
    assert entry == {
        "action": "close_override",
        "actor": "cora",
        "time": "2026-01-01T10:00:00+00:00",
        "message": "Reason",
    }
    audit.record(case, "consent_withdrawn", "care consent", actor="olga")
    assert [e["action"] for e in audit.entries(case)] == [
        "close_override",
        "consent_withdrawn",
    ]
    everything = audit.entries(case, everything=True)
    assert {
        "time",
        "user",
        "roles",
        "case",
        "item",
        "action",
        "channel",
        "outcome",
    } <= (set(everything[-1]))
    assert everything[-1]["case"] == case.case_id
    assert auditstore.verify()["ok"]


def test_the_upgrade_step_moves_trails_and_brings_role_and_settings(portal):
    from plone import api

    from cpms.cases.case_id import create_case
    from cpms.upgrades.v20261202001 import upgrade
    from tests.core.test_concurrency import case_fields
    from tests.helpers.network import make_test_network

    case = create_case(portal["cases"], **case_fields(make_test_network(portal)))
    IAnnotations(case)[audit.KEY] = PersistentList(
        [
            PersistentMapping(
                action="consent_withdrawn",
                actor="olga",
                time="2026-02-01T09:00:00+00:00",
                message="care consent",
            )
        ]
    )
    api.portal.set_registry_record("cpms.identity.guest_max_days", 7)
    upgrade(portal.portal_setup)
    assert audit.KEY not in IAnnotations(case)
    assert [e["action"] for e in audit.entries(case)] == ["consent_withdrawn"]
    assert api.portal.get_registry_record("cpms.audit.keep_days") == 3650
    # What an administrator set is kept.
    assert api.portal.get_registry_record("cpms.identity.guest_max_days") == 7
    roles = [
        r["name"]
        for r in portal.rolesOfPermission("cpms: View audit log")
        if r["selected"]
    ]
    assert "DataProtectionOfficer" in roles and "Coordinator" in roles
