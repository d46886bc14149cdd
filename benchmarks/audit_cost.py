"""What the access audit costs: milliseconds added to a read, and disk per
10,000 records.

    .venv/bin/python benchmarks/audit_cost.py [--rounds N] [--records N]

Runs on the test layers (a Plone site with the add-on, served by Zope's WSGI
server on loopback, one thread): builds one case with its items, warms it up,
then GETs the same URLs (the case page, its REST representation, an item
page, a REST search returning the case) ``--rounds`` times with the recorder
on and ``--rounds`` times with it off, interleaved in blocks of 10 so that
drift hits both alike. Prints the median and p95 per GET of each, and the
median added milliseconds per read.

Size: appends ``--records`` records (one per append, as the portal does; user
ids, roles, paths and details of realistic length) to a fresh SQLite file,
checkpoints the write-ahead log, and prints the file's size per 10,000
records and the median time of one append.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def test_audit_cost(functional_portal):
    import requests
    import transaction

    from cpms.cases import states
    from cpms.privacy import recorder
    from tests.security.helpers import PASSWORD
    from tests.security.helpers import build_case
    from tests.security.helpers import userid

    case = build_case(functional_portal, states.IN_DISCUSSION)
    transaction.commit()
    base = functional_portal.absolute_url()
    item = next(iter(case.objectValues())).absolute_url()
    targets = [
        ("case page", case.absolute_url(), "text/html"),
        (
            "case REST",
            f"{base}/++api++{case.absolute_url_path()[6:]}",
            "application/json",
        ),
        ("item page", item, "text/html"),
        ("REST search", f"{base}/++api++/@search?portal_type=Case", "application/json"),
    ]
    session = requests.Session()
    session.auth = (userid("lead"), PASSWORD)
    for _name, url, accept in targets * 3:
        session.get(url, headers={"Accept": accept}).raise_for_status()
    times = {(name, on): [] for name, _, _ in targets for on in (True, False)}
    rounds = int(os.environ.get("AUDIT_COST_ROUNDS", "200"))
    for block in range(0, rounds, 10):
        for on in (True, False) if block % 20 == 0 else (False, True):
            recorder.ENABLED = on
            for _ in range(min(10, rounds - block)):
                for name, url, accept in targets:
                    start = time.perf_counter()
                    session.get(url, headers={"Accept": accept}).raise_for_status()
                    times[(name, on)].append((time.perf_counter() - start) * 1000)
    recorder.ENABLED = True
    print(f"\nAccess audit cost per read ({rounds} GETs each, recorder on/off):")
    added = []
    for name, _, _ in targets:
        on, off = times[(name, True)], times[(name, False)]
        diff = statistics.median(on) - statistics.median(off)
        added.append(diff)
        print(
            f"  {name:12} on: median {statistics.median(on):6.2f} ms, "
            f"p95 {_percentile(on, 0.95):6.2f} | off: median "
            f"{statistics.median(off):6.2f} ms, p95 {_percentile(off, 0.95):6.2f}"
            f" | added {diff:+.2f} ms"
        )
    print(f"  median added per read: {statistics.median(added):+.2f} ms")


def test_audit_size():
    from cpms.core import auditstore

    previous = auditstore.url()
    count = int(os.environ.get("AUDIT_COST_RECORDS", "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.sqlite"
        auditstore.configure(f"sqlite:///{path}")
        durations = []
        for i in range(count):
            start = time.perf_counter()
            auditstore.append(
                user=f"dr-user-{i % 40:02d}",
                roles=["Healthcare Professional", "Member", "Panel Member"],
                case_uid=f"{i % 500:032x}",
                case=f"ERN-2026-{i % 500:06d}",
                item="contribution-3" if i % 3 else "",
                action="view",
                channel=("web", "rest", "download")[i % 3],
                outcome="refused" if i % 17 == 0 else "allowed",
                client=f"10.0.{i % 250}.{i % 200}",
                details=f"GET /cpms/cases/ern-2026-{i % 500:06d}/contribution-3 200",
            )
            durations.append((time.perf_counter() - start) * 1000)
        auditstore.execute_raw("PRAGMA wal_checkpoint(TRUNCATE)")
        size = auditstore.size_on_disk()
        check = time.perf_counter()
        result = auditstore.verify()
        verify_s = time.perf_counter() - check
        auditstore.configure(previous)
    assert result["ok"]
    print(
        f"\nAccess audit size: {count} records, {size / 1024 / 1024:.2f} MiB, "
        f"{size / count * 10_000 / 1024 / 1024:.2f} MiB per 10,000 records; "
        f"append median {statistics.median(durations):.2f} ms, "
        f"p95 {_percentile(durations, 0.95):.2f} ms; verify {verify_s:.2f} s"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ["AUDIT_COST_ROUNDS"] = str(args.rounds)
    os.environ["AUDIT_COST_RECORDS"] = str(args.records)
    return pytest.main(
        [
            __file__,
            "-q",
            "-s",
            "-p",
            "no:warnings",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(ROOT),
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
