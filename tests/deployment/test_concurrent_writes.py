"""Concurrent writers never fail: no ConflictError reaches anyone.

Four writers over HTTP against a real portal, as benchmarks/concurrent_writes.py
runs them (enrolments, edits of different cases, contributions and file
uploads to the same case, information requests, invitations), at least a
thousand writes on each storage: every answer is 2xx, and no ConflictError
in the Zope event logs was left unresolved (those Zope redid are counted, and
shown when the test fails). On FileStorage in one Zope process, and on
RelStorage with two Zope processes sharing one throwaway PostgreSQL, each
writer talking to one of them.
"""

import time
from collections import Counter

import pytest

from benchmarks.concurrent_writes import KINDS
from benchmarks.concurrent_writes import conflicts_in_logs
from benchmarks.concurrent_writes import log_offsets
from benchmarks.concurrent_writes import prepare
from benchmarks.concurrent_writes import report
from benchmarks.concurrent_writes import run_writers
from benchmarks.concurrent_writes import running_portal

pytestmark = pytest.mark.slow

WRITERS = 4
WRITES = 1000


@pytest.mark.parametrize(
    ("storage", "instances"), [("filestorage", 1), ("relstorage", 2)]
)
def test_four_writers_never_fail(tmp_path, storage, instances):
    with running_portal(tmp_path, storage=storage, instances=instances) as portal:
        setups = prepare(portal, WRITERS)
        assert len({s.url for s in setups}) == instances  # both Zopes written to
        offsets = log_offsets(portal)
        result = run_writers(setups, writes=WRITES)
        time.sleep(1)  # the last log records reach the files
        conflicts = conflicts_in_logs(portal, offsets)
    summary = report(result, conflicts)
    print(summary)
    assert len(result.outcomes) >= WRITES
    assert set(Counter(o.kind for o in result.outcomes)) == set(KINDS)
    assert result.failures == [], summary
    assert conflicts.unresolved == [], summary
