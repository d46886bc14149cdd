"""Concurrent writers over HTTP against a real portal (not a test).

    .venv/bin/python benchmarks/concurrent_writes.py [--writers 16 32]
        [--seconds 60] [--storage filestorage relstorage] [--instances 2]

Starts the portal as `make start` does (instance rendered from
instance/templates, `scripts/create_site.py` with the demo content, `runwsgi`)
in a throwaway directory: on FileStorage in one Zope process, or on RelStorage
(a throwaway PostgreSQL) in one or more Zope processes sharing the database.
Then N writer threads, each with its own keep-alive connection to loopback,
write through plone.restapi as the people of a network would, for a fixed
time (or a fixed number of writes), in a rotation so that every kind of write
is in flight at once:

- enrol: a clinician enrols a new case (``POST /cases``);
- edit: the clinician edits one of their own cases (``PATCH``; each writer
  its own case);
- contribute: a panel member posts a contribution to the one shared case;
- upload: a panel member uploads a (small PDF) medical file to that case;
- info: the coordinator asks the clinician for information on the writer's
  own case (``request_info``), the clinician submits again, the coordinator
  reopens the panel: one transition a write;
- invite: the coordinator invites the writer's own expert to the writer's
  case in discussion (``@invite``), then removes them (``DELETE
  @panel/<id>``).

Every answer that is not 2xx is a failed write. Afterwards the Zope event
logs are read for ConflictErrors: those Zope retried (Products.SiteErrorLog
logs each retry at INFO, with the class of the object written by both
transactions: the hot spots) and those that reached a writer. Prints writes
per second, the median and 95th percentile latency, failures by kind and
status, and the conflicts by class.

The same workload runs in tests/deployment/test_concurrent_writes.py with 4
writers. Numbers depend on the machine and its load: compare runs made on the
same machine.
"""

import argparse
import base64
import contextlib
import itertools
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the processes helpers
    sys.path.insert(0, str(ROOT))

from tests.deployment.processes import VENV_BIN  # noqa: E402
from tests.deployment.processes import PostgresServer  # noqa: E402
from tests.deployment.processes import Server  # noqa: E402
from tests.deployment.processes import free_port  # noqa: E402
from tests.deployment.processes import run  # noqa: E402

SITE = "cpms"
# A throwaway portal on loopback: its passwords are no secret.
ADMIN_PASSWORD = "bench-admin"  # noqa: S105
DEMO_PASSWORD = "cpms-demo-2026"  # noqa: S105
BENCH_PASSWORD = "bench-writer-2026"  # noqa: S105
SHARED_CASE = "demo-silver-otter"  # in discussion: lead, expert1, expert2
PANEL = ("expert1", "expert2", "lead")
KINDS = ("enrol", "edit", "contribute", "upload", "info", "invite")
# The smallest file the portal accepts as a PDF (judged from its bytes).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# What writers type: pseudonyms and clinical prose from a fixed vocabulary,
# as a network's cases share their words. (Text made unique by counters,
# "edit 17", would add new words to Plone's text index with every write:
# the index keeps a word's first ten documents in one value, which two
# writers adding documents with the same new word at once both change.)
ADJECTIVES = [
    "Amber",
    "Blue",
    "Brave",
    "Calm",
    "Coral",
    "Crimson",
    "Golden",
    "Green",
    "Grey",
    "Ivory",
    "Quiet",
    "Rapid",
    "Silver",
    "Swift",
    "Teal",
    "Violet",
    "Wild",
    "Young",
]
ANIMALS = [
    "Badger",
    "Crane",
    "Falcon",
    "Heron",
    "Ibis",
    "Lynx",
    "Marten",
    "Otter",
    "Owl",
    "Puffin",
    "Raven",
    "Robin",
    "Stork",
    "Swan",
    "Tern",
    "Wren",
]
WORDS = [
    "bladder",
    "kidney",
    "ureter",
    "urethra",
    "renal",
    "pelvic",
    "reflux",
    "infection",
    "infections",
    "recurrent",
    "chronic",
    "congenital",
    "bilateral",
    "left",
    "right",
    "dilatation",
    "obstruction",
    "valves",
    "exstrophy",
    "hypospadias",
    "continence",
    "incontinence",
    "catheterisation",
    "augmentation",
    "reconstruction",
    "surgery",
    "repair",
    "closure",
    "stent",
    "drainage",
    "urodynamics",
    "ultrasound",
    "scan",
    "imaging",
    "creatinine",
    "function",
    "decline",
    "stable",
    "improved",
    "worse",
    "after",
    "before",
    "since",
    "birth",
    "months",
    "years",
    "follow",
    "review",
    "antibiotic",
    "prophylaxis",
    "trial",
    "advised",
    "indicated",
    "consider",
    "discuss",
    "panel",
    "family",
    "team",
    "local",
    "centre",
    "findings",
    "suggest",
    "recommend",
    "plan",
    "further",
    "study",
]


FILE_TITLE = "Ultrasound report"
# A network's portal has many documents with these words: give it a dozen
# (Plone's text index stores the documents of a word in one value until its
# eleventh; the first writes of a word would otherwise all change that value).
WARM_UP = 12


def file_upload(title: str) -> dict:
    return {
        "@type": "MedicalFile",
        "title": title,
        "file": {
            "data": base64.b64encode(PDF).decode(),
            "encoding": "base64",
            "filename": "report.pdf",
            "content-type": "application/pdf",
        },
    }


def prose(rng, words=12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def pseudonym(rng) -> str:
    return f"{rng.choice(ADJECTIVES)} {rng.choice(ANIMALS)}"


CASE_FIELDS = {
    "@type": "Case",
    "sex": "female",
    "age_band": "2-11y",
    "referring_hcp": "danube-university-hospital",
    "expertise_area": "bladder-exstrophy",
    "clinical_summary": "Benchmark case: bladder exstrophy closed at birth.",
    "clinical_question": "Is a bladder neck reconstruction indicated now?",
}


# --- the portal ---------------------------------------------------------


@dataclass
class Portal:
    urls: list[str]  # the site, once per Zope process
    logs: list[Path]  # their event logs
    storage: str
    threads: int


def _node(work: Path, name: str, port: int, extra: dict, threads: int):
    node = work / name
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(node / "etc"),
        "CPMS_DATA_DIR": str(node / "var"),
        "CPMS_PORT": str(port),
        "CPMS_THREADS": str(threads),
        "CPMS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "CPMS_DEMO_PASSWORD": DEMO_PASSWORD,
        **extra,
    }
    run([VENV_BIN / "python", ROOT / "scripts" / "render_instance.py"], env=env)
    return node, env


@contextlib.contextmanager
def running_portal(work: Path, storage="filestorage", instances=1, threads=4):
    """The demo portal served by ``instances`` Zope processes (one for
    FileStorage), each with ``threads`` worker threads; stopped on exit."""
    postgres = None
    extra = {}
    if storage == "relstorage":
        postgres = PostgresServer().start()
        extra = {
            "CPMS_STORAGE": "relstorage",
            "CPMS_RELSTORAGE_DSN": postgres.create_database(SITE),
        }
    elif instances != 1:
        raise ValueError("FileStorage is served by one Zope process")
    zopes = []
    try:
        ports = [free_port() for _ in range(instances)]
        nodes = [
            _node(work, f"node{i + 1}", port, extra, threads)
            for i, port in enumerate(ports)
        ]
        node, env = nodes[0]
        run(
            [VENV_BIN / "zconsole", "run", node / "etc/zope.conf"]
            + [ROOT / "scripts/create_site.py"],
            env=env,
        )
        for node, env in nodes:
            zopes.append(
                Server(
                    [VENV_BIN / "runwsgi", node / "etc/zope.ini"],
                    node / "console.log",
                    env=env,
                ).start()
            )
        urls = [f"http://127.0.0.1:{port}/{SITE}" for port in ports]
        for zope, url in zip(zopes, urls, strict=True):
            zope.wait_until_serving(url)
        yield Portal(
            urls=urls,
            logs=[node / "var/log/event.log" for node, _env in nodes],
            storage=storage,
            threads=threads,
        )
    finally:
        for zope in zopes:
            zope.stop()
        if postgres is not None:
            postgres.stop()


# --- the writers' fixtures ------------------------------------------------


def session(user: str, password: str = DEMO_PASSWORD) -> requests.Session:
    s = requests.Session()
    s.auth = (user, password)
    s.headers["Accept"] = "application/json"
    return s


def expect(response: requests.Response, *codes: int) -> dict:
    assert response.status_code in codes, (
        f"{response.request.method} {response.url}: {response.status_code} "
        f"{response.text[:2000]}"
    )
    return response.json() if response.content else {}


@dataclass
class WriterSetup:
    index: int
    url: str  # the site, on the Zope process this writer talks to
    clinician: str
    expert: str  # invited to and removed from the shared case
    edit_case: str  # URL of a draft case of the clinician
    info_case: str  # URL of a case in discussion, walked round request_info


def prepare(portal: Portal, writers: int) -> list[WriterSetup]:
    """Users and cases for ``writers`` writers, through the API."""
    admin = session("admin", ADMIN_PASSWORD)
    coordinator = session("coordinator")
    site = portal.urls[0]
    shared = f"{site}/cases/{SHARED_CASE}"
    lead = session("lead")
    # Lower case: the text index lowercases anyway, and two capitalised
    # pseudonym words side by side ("Violet Wild") read as a person's name,
    # which the portal refuses in a contribution.
    vocabulary = " ".join(
        WORDS
        + [word.lower() for word in ADJECTIVES + ANIMALS]
        + [CASE_FIELDS["clinical_question"]]
    )
    for _ in range(WARM_UP):
        expect(
            lead.post(
                shared, json={"@type": "Contribution", "text": vocabulary}, timeout=120
            ),
            201,
        )
        expect(lead.post(shared, json=file_upload(FILE_TITLE), timeout=120), 201)
    setups = []
    for i in range(writers):
        clinician, expert = f"bench-clinician-{i}", f"bench-expert-{i}"
        for userid in (clinician, expert):
            expect(
                admin.post(
                    f"{site}/@users",
                    json={
                        "username": userid,
                        "email": f"{userid}@bench.invalid",
                        "password": BENCH_PASSWORD,
                        "fullname": f"Bench {userid}",
                        "roles": ["Member", "Healthcare Professional"],
                    },
                    timeout=120,
                ),
                201,
            )
        mine = session(clinician, BENCH_PASSWORD)
        cases = []
        for nickname in ("Grey Heron", "Blue Heron"):
            created = expect(
                mine.post(
                    f"{site}/cases",
                    json={**CASE_FIELDS, "nickname": nickname},
                    timeout=120,
                ),
                201,
            )
            cases.append(created["@id"])
        info_case = cases[1]
        expect(
            mine.post(
                info_case,
                json={
                    "@type": "ConsentRecord",
                    "kind": "care",
                    "consent_language": "en",
                    "consent_version": "2.0",
                    "consent_date": "2026-01-12",
                },
                timeout=120,
            ),
            201,
        )
        expect(mine.post(f"{info_case}/@workflow/submit", timeout=120), 200)
        expect(coordinator.post(f"{info_case}/@workflow/open_panel", timeout=120), 200)
        # The writer talks to "its" Zope process: same paths, other port.
        url = portal.urls[i % len(portal.urls)]
        setups.append(
            WriterSetup(
                index=i,
                url=url,
                clinician=clinician,
                expert=expert,
                edit_case=cases[0].replace(site, url),
                info_case=info_case.replace(site, url),
            )
        )
    return setups


# --- the writers ----------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no answer (connection error, timeout)
    seconds: float
    detail: str = ""


@dataclass
class Result:
    writers: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not 200 <= o.status < 300]

    @property
    def writes_per_second(self) -> float:
        ok = len(self.outcomes) - len(self.failures)
        return ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        if not times:
            return 0.0
        return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]


class Writer:
    """One writer: its own connections, its kinds of write in a rotation."""

    def __init__(self, setup: WriterSetup):
        self.setup = setup
        self.shared = f"{setup.url}/cases/{SHARED_CASE}"
        self.clinician = session(setup.clinician, BENCH_PASSWORD)
        self.coordinator = session("coordinator")
        self.panel = {user: session(user) for user in PANEL}
        self.count = 0
        self.rng = random.Random(setup.index)
        self.info_step = 0
        self.invited = False

    def write(self, kind: str) -> requests.Response:
        self.count += 1
        n, s = self.count, self.setup
        if kind == "enrol":
            return self.clinician.post(
                f"{s.url}/cases",
                json={
                    **CASE_FIELDS,
                    "nickname": pseudonym(self.rng),
                    "clinical_summary": prose(self.rng),
                },
                timeout=120,
            )
        if kind == "edit":
            return self.clinician.patch(
                s.edit_case,
                json={
                    "clinical_summary": prose(self.rng),
                    "urgent": n % 2 == 0,
                },
                timeout=120,
            )
        member = self.panel[PANEL[(s.index + n) % len(PANEL)]]
        if kind == "contribute":
            return member.post(
                self.shared,
                json={
                    "@type": "Contribution",
                    "text": prose(self.rng, 20),
                },
                timeout=120,
            )
        if kind == "upload":
            return member.post(self.shared, json=file_upload(FILE_TITLE), timeout=120)
        if kind == "info":
            step = self.info_step % 3
            self.info_step += 1
            if step == 0:
                return self.coordinator.post(
                    f"{s.info_case}/@workflow/request_info",
                    json={"comment": prose(self.rng, 8)},
                    timeout=120,
                )
            if step == 1:
                return self.clinician.post(
                    f"{s.info_case}/@workflow/submit", timeout=120
                )
            return self.coordinator.post(
                f"{s.info_case}/@workflow/open_panel", timeout=120
            )
        if kind == "invite":
            self.invited = not self.invited
            if self.invited:
                return self.coordinator.post(
                    f"{s.info_case}/@invite",
                    json={"userids": [s.expert]},
                    timeout=120,
                )
            return self.coordinator.delete(
                f"{s.info_case}/@panel/{s.expert}", timeout=120
            )
        raise ValueError(kind)


def run_writers(
    setups: list[WriterSetup],
    *,
    writes: int | None = None,
    seconds: float | None = None,
    kinds=KINDS,
) -> Result:
    """Run one thread per writer until ``writes`` writes in all (shared out
    evenly) or for ``seconds``; every answer is recorded."""
    assert (writes is None) != (seconds is None)
    per_writer = None if writes is None else -(-writes // len(setups))
    result = Result(writers=len(setups), seconds=0.0)
    lock = threading.Lock()
    start_barrier = threading.Barrier(len(setups) + 1)
    stop_at = [0.0]

    def work(setup: WriterSetup):
        writer = Writer(setup)
        rotation = itertools.islice(
            itertools.cycle(kinds), setup.index % len(kinds), None
        )
        start_barrier.wait()
        for done, kind in enumerate(rotation):
            if per_writer is not None and done >= per_writer:
                break
            if per_writer is None and time.monotonic() >= stop_at[0]:
                break
            began = time.monotonic()
            try:
                response = writer.write(kind)
                outcome = Outcome(kind, response.status_code, 0.0)
                if not response.ok:
                    outcome.detail = response.text[:300]
            except requests.RequestException as error:
                outcome = Outcome(kind, 0, 0.0, repr(error)[:300])
            outcome.seconds = time.monotonic() - began
            with lock:
                result.outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(s,)) for s in setups]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    began = time.monotonic()
    stop_at[0] = began + (seconds or 0)
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


# --- the event logs ---------------------------------------------------------

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d+)? (\w+) ", re.M)
CONFLICT_CLASS = re.compile(r"class ([\w.]+)")


@dataclass
class Conflicts:
    retried: Counter  # class of the object both transactions wrote -> count
    unresolved: list[str]  # log records of ConflictErrors that were not retried

    @property
    def retried_total(self) -> int:
        return sum(self.retried.values())


def log_offsets(portal: Portal) -> list[int]:
    return [log.stat().st_size if log.exists() else 0 for log in portal.logs]


def conflicts_in_logs(portal: Portal, offsets: list[int] | None = None) -> Conflicts:
    """ConflictErrors in the event logs (after ``offsets``, if given)."""
    retried, unresolved = Counter(), []
    for i, log in enumerate(portal.logs):
        if not log.exists():
            continue
        with open(log, errors="replace") as f:
            f.seek(offsets[i] if offsets else 0)
            text = f.read()
        starts = [m.start() for m in RECORD.finditer(text)] + [len(text)]
        for begin, end in itertools.pairwise(starts):
            record = text[begin:end]
            if "ConflictError" not in record:
                continue
            if "Request will be retried" in record:
                found = CONFLICT_CLASS.search(record)
                if found:
                    retried[found.group(1)] += 1
                elif "ReadConflictError" in record:
                    # An object read as current (a BTree node above the
                    # bucket written) that another write changed.
                    retried["ReadConflictError"] += 1
                else:
                    retried["?"] += 1
            else:
                unresolved.append(record.strip())
    return Conflicts(retried, unresolved)


# --- the report -------------------------------------------------------------


def report(result: Result, conflicts: Conflicts) -> str:
    lines = [
        f"  {result.writers} writers: {len(result.outcomes)} writes in "
        f"{result.seconds:.1f} s, {result.writes_per_second:.1f} writes/s, "
        f"median {statistics.median(o.seconds for o in result.outcomes):.2f} s, "
        f"p95 {result.percentile(95):.2f} s, failures {len(result.failures)}",
    ]
    by_kind = Counter(o.kind for o in result.outcomes)
    times = {
        kind: sorted(o.seconds for o in result.outcomes if o.kind == kind)
        for kind in by_kind
    }
    lines.append(
        "    by kind: "
        + ", ".join(
            f"{kind} {by_kind[kind]} (p95 {t[int(0.95 * (len(t) - 1))]:.2f} s)"
            for kind, t in times.items()
        )
    )
    if result.failures:
        failed = Counter((o.kind, o.status) for o in result.failures)
        lines.append(
            "    failed: "
            + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(failed.items()))
        )
        lines.append(f"    first failure: {result.failures[0].detail[:300]}")
    lines.append(
        f"    ConflictErrors retried by Zope: {conflicts.retried_total}"
        + (
            " ("
            + ", ".join(f"{c} {n}" for c, n in conflicts.retried.most_common())
            + ")"
            if conflicts.retried
            else ""
        )
    )
    unresolved = len(conflicts.unresolved)
    lines.append(
        f"    log records of ConflictErrors Zope did not resolve: {unresolved}"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--storage",
        nargs="+",
        choices=("filestorage", "relstorage"),
        default=["filestorage", "relstorage"],
    )
    parser.add_argument(
        "--instances", type=int, default=2, help="Zope processes on RelStorage"
    )
    parser.add_argument("--threads", type=int, default=4, help="per Zope process")
    parser.add_argument("--keep", action="store_true", help="keep the directory")
    args = parser.parse_args()

    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs "
        f"({platform.machine()}), load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for storage in args.storage:
        instances = args.instances if storage == "relstorage" else 1
        work = Path(tempfile.mkdtemp(prefix="cpms-writes-"))
        try:
            print(
                f"{storage}, {instances} Zope process(es) of {args.threads} "
                f"threads, in {work}: setting up ...",
                flush=True,
            )
            with running_portal(
                work, storage=storage, instances=instances, threads=args.threads
            ) as portal:
                setups = prepare(portal, max(args.writers))
                for writers in args.writers:
                    offsets = log_offsets(portal)
                    result = run_writers(setups[:writers], seconds=args.seconds)
                    time.sleep(1)  # let the last log records reach the files
                    conflicts = conflicts_in_logs(portal, offsets)
                    print(report(result, conflicts), flush=True)
        finally:
            if args.keep:
                print(f"  kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
