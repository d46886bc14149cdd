"""What users wait for over HTTP with 1,000 to 100,000 cases (not a test).

    .venv/bin/python benchmarks/scale.py --mode verify   # bulk == portal path
    .venv/bin/python benchmarks/scale.py --cases 1000 [--seconds 10] [--connections 8]
    # one load, snapshots on the way, then all sizes measured in one run:
    .venv/bin/python benchmarks/scale.py --cases 100000 --snapshots 1000 10000 \
        --data-dir /srv/scale --keep --load-only
    .venv/bin/python benchmarks/scale.py --measure /srv/scale/var-1000 \
        /srv/scale/var-10000 /srv/scale
    .venv/bin/python benchmarks/scale.py --cluster   # `make cluster`, the demo

1. Renders a FileStorage instance into a throwaway directory (or
   ``--data-dir``, reused when it already holds the site and some cases),
   creates the `cpms` site without demo content and a stock Plone `classic`
   site beside it.
2. Loads a synthetic network in one ``zconsole`` run of ``scale_load.py``
   (its docstring says what the bulk path leaves out): an expertise area, a
   provider, 50 clinicians, 100 experts and a coordinator; ``--cases`` cases
   with coded terms (ORPHA, ICD-10, HPO), a care consent record, local roles
   (owner, a lead, panel members; ``exp0`` leads one case in ten) and a
   workflow state with its history, indexed as the portal indexes them;
   ``--items-per-case`` contributions in cases past `submitted`.
   ``--snapshots`` copies the database at those counts to
   ``<data-dir>/var-<n>``.
3. Serves a database with ``runwsgi`` (4 threads, as ``make start``) and
   measures each scenario: the median of 5 requests one after the other
   (what a page costs the server), then wrk with ``--connections``
   concurrent users for ``--seconds``: requests/s, p50/p95/p99 latency,
   failed answers; then the Zope process's resident memory. ``--measure``
   does this for each directory given and prints how each scenario grew
   from the smallest to the larger ones.

Scenarios: My cases of a clinician and of the busy lead, a case workspace,
REST case search by code and by state, ``@coordinator-dashboard``, the front
page anonymously, and the stock Plone front page for the ratio.
``--cluster`` starts ``scripts/cluster.py`` (PostgreSQL, 2 Zopes, HAProxy,
Varnish) with the demo in a throwaway directory and compares the front page
through Varnish with the stock one, and 2 Zopes with 1 for REST requests.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from front_page import STOCK_SITE  # noqa: E402
from front_page import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-secret-123"  # noqa: S105 - throwaway site on loopback

LOADER = Path(__file__).resolve().parent / "scale_load.py"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %.1f %.1f %.1f %d\\n",
    summary.requests, summary.errors.status, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.timeout))
end
"""


def zconsole(conf, script, env, quiet=False):
    subprocess.run(
        [BIN / "zconsole", "run", conf, script],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def basic(user, password=PASSWORD) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def wrk(url, seconds, connections, lua, headers=None) -> dict:
    """Requests/s, p50/p95/p99 in ms and failed answers (non-2xx, timeouts)."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s"]
    # A slow page must count with its time, not as a timeout (wrk's is 2 s).
    command += ["--timeout", "120s", "-s", str(lua)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(
        r"BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", output
    ).groups()
    requests_, errors, duration_us, p50, p95, p99, timeouts = found
    rate = int(requests_) / (int(duration_us) / 1e6)
    return {
        "rate": rate,
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errors) + int(timeouts),
        "requests": int(requests_),
        "load": load_average(),
    }


def one_user(url, headers, times=5) -> float:
    """Median ms of ``times`` requests one after the other: what a page
    costs the server, without waiting behind other users' requests."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        requests.get(url, headers=headers, timeout=300).raise_for_status()
        spent.append((time.perf_counter() - started) * 1000)
    return sorted(spent)[len(spent) // 2]


HEADER = (
    f"{'scenario':30s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} "
    f"{'p99 ms':>8s} {'errors':>6s} {'1 user':>7s} {'load':>13s}"
)


def print_row(label, row):
    alone = f"{row['alone']:7.1f}" if "alone" in row else f"{'':7s}"
    print(
        f"{label:30s} {row['rate']:7.1f} {row['p50']:8.1f} {row['p95']:8.1f} "
        f"{row['p99']:8.1f} {row['errors']:6d} {alone} {row['load']:>13s}",
        flush=True,
    )


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    current = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    return current, peak


def load_average() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def data_dir(work: Path) -> Path:
    """``work/var``, or ``work`` itself when it is a data directory (a
    snapshot the loader copied: ``<data-dir>/var-<n>``)."""
    if (work / "filestorage").is_dir() and not (work / "var").is_dir():
        return work
    return work / "var"


def instance_env(work: Path, port: int) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(work / "etc"),
        "CPMS_DATA_DIR": str(data_dir(work)),
        "CPMS_PORT": str(port),
        "CPMS_ADMIN_PASSWORD": PASSWORD,
        "CPMS_DEMO": "0",
    }


def render(work: Path, cache_mb: int = 0) -> dict:
    env = instance_env(work, free_port())
    env["CPMS_ZODB_CACHE_MB"] = str(cache_mb)
    subprocess.run(
        [BIN / "python", ROOT / "scripts/render_instance.py"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


def load(work: Path, env: dict, args) -> dict:
    """Sites (first time), then cases up to ``args.cases``; the loader's facts."""
    conf = work / "etc" / "zope.conf"
    if not (work / "var" / "filestorage" / "Data.fs").exists():
        print(f"Sites in {work} ...", flush=True)
        zconsole(conf, ROOT / "scripts/create_site.py", env, quiet=True)
        (work / "stock_site.py").write_text(STOCK_SITE)
        zconsole(conf, work / "stock_site.py", env, quiet=True)
    facts = work / "loaded.json"
    zconsole(
        conf,
        LOADER,
        {
            **env,
            "BENCH_CASES": str(args.cases),
            "BENCH_ITEMS": str(args.items_per_case),
            "BENCH_MODE": args.mode,
            "BENCH_OUT": str(facts),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_SNAPSHOTS": ",".join(str(n) for n in args.snapshots),
        },
    )
    return json.loads(facts.read_text()) if facts.exists() else {}


SAMPLE = """
import json, os
from zope.component.hooks import setSite
portal = app["cpms"]  # noqa: F821 - bound by zconsole
setSite(portal)
catalog = portal.portal_catalog
sample = catalog.unrestrictedSearchResults(
    portal_type="Case", review_state="in_discussion", sort_limit=1)[0]
json.dump({"cases": len(catalog.unrestrictedSearchResults(portal_type="Case")),
           "sample_case": sample.getPath()}, open(os.environ["BENCH_OUT"], "w"))
"""


def scenarios(base: str, sample_case: str) -> list:
    site = f"{base}/cpms"
    api = f"{site}/++api++"
    json_ = "application/json"
    return [
        ("My cases, a clinician", f"{site}/@@my-cases", "clin1", None),
        ("My cases, busy lead (exp0)", f"{site}/@@my-cases", "exp0", None),
        ("REST @my-cases, busy lead", f"{api}/@my-cases", "exp0", json_),
        ("Case workspace", base + sample_case, "coord", None),
        (
            "REST search by code",
            f"{api}/@search?portal_type=Case&case_codes=ORPHA%3A93930",
            "coord",
            json_,
        ),
        (
            "REST search by state",
            f"{api}/@search?portal_type=Case&review_state=in_discussion",
            "coord",
            json_,
        ),
        (
            "REST @coordinator-dashboard",
            f"{api}/@coordinator-dashboard",
            "coord",
            json_,
        ),
        (
            "Coordinator dashboard page",
            f"{site}/@@coordinator-dashboard",
            "coord",
            None,
        ),
        ("Front page, anonymous", site, None, None),
        ("Stock Plone front page", f"{base}/stock", None, None),
    ]


def measure(work: Path, args, lua: Path) -> dict:
    """Serve ``work``'s database with runwsgi and run every scenario."""
    env = render(work, args.zodb_cache_mb)
    conf = work / "etc" / "zope.conf"
    # A database loaded by an older checkout gets the indexes this one reads.
    zconsole(conf, ROOT / "benchmarks" / "upgrade_scale_db.py", env)
    (work / "sample.py").write_text(SAMPLE)
    zconsole(conf, work / "sample.py", {**env, "BENCH_OUT": str(work / "sample.json")})
    facts = json.loads((work / "sample.json").read_text())
    base = f"http://127.0.0.1:{env['CPMS_PORT']}"
    zope = subprocess.Popen(
        [BIN / "runwsgi", work / "etc" / "zope.ini"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = {"cases": facts["cases"], "rows": {}}
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if requests.get(f"{base}/cpms/@@ok", timeout=(2, 120)).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or zope.poll() is not None:
                sys.exit("Zope did not start")
            time.sleep(0.5)
        print(
            f"\n{facts['cases']} cases ({work}), {args.connections} users, "
            f"{args.seconds:.0f} s each\n{HEADER}",
            flush=True,
        )
        for label, url, user, accept in scenarios(base, facts["sample_case"]):
            headers = {**(basic(user) if user else {})}
            if accept:
                headers["Accept"] = accept
            warm = requests.get(url, headers=headers, timeout=300)
            if warm.status_code != 200:
                print(f"{label:30s} answers {warm.status_code}: skipped", flush=True)
                continue
            alone = one_user(url, headers)
            row = wrk(url, args.seconds, args.connections, lua, headers)
            row["alone"] = alone
            results["rows"][label] = row
            print_row(label, row)
        rows = results["rows"]
        if "Front page, anonymous" in rows and "Stock Plone front page" in rows:
            ratio = (
                rows["Front page, anonymous"]["rate"]
                / (rows["Stock Plone front page"]["rate"])
            )
            results["front_ratio"] = ratio
            print(f"front page / stock Plone: {ratio:.2f}x")
        current, peak = rss_mb(zope.pid)
        results["rss"] = (current, peak)
        size = (data_dir(work) / "filestorage" / "Data.fs").stat().st_size / 2**20
        print(
            f"Zope resident memory: {current:.0f} MB now, {peak:.0f} MB peak; "
            f"Data.fs {size:.0f} MB; load average {load_average()}",
            flush=True,
        )
    finally:
        zope.terminate()
        zope.wait(60)
    return results


def growth(measured: list):
    """p95 and memory of each size next to the first (smallest) one."""
    first = measured[0]
    print(f"\nGrowth against {first['cases']} cases (ms: 8 users' p95; 1 user)")
    for later in measured[1:]:
        factor = later["cases"] / max(first["cases"], 1)
        print(f"{later['cases']} cases ({factor:.0f}x the cases):")
        for label, row in later["rows"].items():
            before = first["rows"].get(label)
            if before:
                print(
                    f"  {label:30s} {before['p95']:8.1f} -> {row['p95']:8.1f}"
                    f" ({row['p95'] / max(before['p95'], 0.1):5.1f}x);"
                    f" 1 user {before['alone']:7.1f} -> {row['alone']:7.1f}"
                    f" ({row['alone'] / max(before['alone'], 0.1):5.1f}x)"
                )
        before, after = first["rss"][1], later["rss"][1]
        print(f"  resident memory (peak) {before:.0f} -> {after:.0f} MB")


def cluster(args, lua: Path):
    """``make cluster`` in a throwaway directory (PostgreSQL, 2 Zopes, HAProxy,
    Varnish; the demo content and a stock site): the anonymous front page
    through Varnish against the stock front page through HAProxy, and
    authenticated REST requests through HAProxy (two Zopes) against one Zope's
    own port; then each Zope's resident memory."""
    from cpms.demo import DEMO_PASSWORD

    directory = Path(tempfile.mkdtemp(prefix="bench-cluster-", dir="/tmp"))
    # PostgreSQL runs as `postgres` when we are root: it must enter the dir.
    directory.chmod(0o755)
    ports = [free_port() for _ in range(5)]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_CLUSTER_DIR": str(directory),
        "CPMS_CLUSTER_SIZE": "2",
        "CPMS_CLUSTER_PORT": str(ports[0]),
        "CPMS_CLUSTER_HAPROXY_PORT": str(ports[1]),
        "CPMS_CLUSTER_ZOPE_PORTS": f"{ports[2]},{ports[3]}",
        "CPMS_CLUSTER_PG_PORT": str(ports[4]),
        # wrk is one client: HAProxy's per-client limit would answer 429.
        "CPMS_CLUSTER_RATE_LIMIT": "1000000",
        "CPMS_ADMIN_PASSWORD": PASSWORD,
        "CPMS_DEMO": "1",
    }
    control = [BIN / "python", ROOT / "scripts" / "cluster.py"]
    subprocess.run([*control, "start"], env=env, check=True)
    try:
        (directory / "stock_site.py").write_text(STOCK_SITE)
        zope1_env = {
            **env,
            "CPMS_STORAGE": "relstorage",
            "CPMS_INSTANCE_ETC": str(directory / "zope1" / "etc"),
            "CPMS_DATA_DIR": str(directory / "zope1" / "var"),
        }
        zconsole(
            directory / "zope1" / "etc" / "zope.conf",
            directory / "stock_site.py",
            zope1_env,
            quiet=True,
        )
        varnish = f"http://127.0.0.1:{ports[0]}"
        haproxy = f"http://127.0.0.1:{ports[1]}"
        zope1 = f"http://127.0.0.1:{ports[2]}"
        clinician = {
            **basic("clinician", DEMO_PASSWORD),
            "Accept": "application/json",
        }
        search = "cpms/++api++/@search?portal_type=Case"
        rows = [
            ("Front page via Varnish", f"{varnish}/cpms", {}),
            ("Front page via HAProxy", f"{haproxy}/cpms", {}),
            ("Stock front page via HAProxy", f"{haproxy}/stock", {}),
            ("REST @my-cases, 2 Zopes", f"{haproxy}/cpms/++api++/@my-cases", clinician),
            ("REST @my-cases, 1 Zope", f"{zope1}/cpms/++api++/@my-cases", clinician),
            ("Case search, 2 Zopes", f"{haproxy}/{search}", clinician),
            ("Case search, 1 Zope", f"{zope1}/{search}", clinician),
        ]
        print(
            f"\ncluster: 2 Zopes (4 threads each) on RelStorage, the demo's "
            f"cases, {args.connections} users, {args.seconds:.0f} s each\n{HEADER}",
            flush=True,
        )
        rates = {}
        for label, url, headers in rows:
            for _ in range(4):  # both Zopes and the cache warm
                answer = requests.get(url, headers=headers, timeout=120)
            if answer.status_code != 200:
                print(f"{label:30s} answers {answer.status_code}: skipped", flush=True)
                continue
            alone = one_user(url, headers)
            row = wrk(url, args.seconds, args.connections, lua, headers)
            row["alone"] = alone
            rates[label] = row["rate"]
            print_row(label, row)
        cached, stock = "Front page via Varnish", "Stock front page via HAProxy"
        if cached in rates and stock in rates:
            ratio = rates[cached] / rates[stock]
            print(f"front page via Varnish / stock Plone: {ratio:.1f}x")
        for what in ("REST @my-cases", "Case search"):
            if f"{what}, 2 Zopes" in rates and f"{what}, 1 Zope" in rates:
                two, one = rates[f"{what}, 2 Zopes"], rates[f"{what}, 1 Zope"]
                print(f"{what}: 2 Zopes / 1 Zope: {two / one:.2f}x")
        state = json.loads((directory / "state.json").read_text())
        for number, pid in enumerate(state["zopes"], start=1):
            current, peak = rss_mb(pid)
            print(f"zope{number} resident memory: {current:.0f} MB, {peak:.0f} MB peak")
        print(f"load average {load_average()}", flush=True)
    finally:
        subprocess.run([*control, "stop"], env=env, check=False)
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--items-per-case", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument(
        "--mode",
        choices=("bulk", "portal", "verify"),
        default="bulk",
        help="bulk loader (default), the portal's slow path, or only compare "
        "one case made each way",
    )
    parser.add_argument(
        "--snapshots",
        type=int,
        nargs="*",
        default=[],
        help="copy the database at these case counts to <data-dir>/var-<n>",
    )
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument(
        "--zodb-cache-mb",
        type=int,
        default=0,
        help="with --measure: cap each connection's object cache (MB; "
        "CPMS_ZODB_CACHE_MB), 0 for none",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="measure `make cluster` (Varnish, HAProxy, 2 Zopes) with the demo",
    )
    parser.add_argument(
        "--measure",
        type=Path,
        nargs="+",
        help="measure these directories as they are (each holds etc/ and var/"
        " of a loaded site, e.g. a snapshot) instead of loading",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.load_only:
        sys.exit("wrk not found: apt-get install wrk (make bench installs it)")
    print(f"{os.cpu_count()} CPUs, load average {load_average()}", flush=True)

    work = args.data_dir or Path(tempfile.mkdtemp(prefix="cpms-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    lua = work / "percentiles.lua"
    lua.write_text(LUA)
    try:
        if args.cluster:
            cluster(args, lua)
            return
        if args.measure:
            measured = [measure(directory, args, lua) for directory in args.measure]
            measured.sort(key=lambda r: r["cases"])
            if len(measured) > 1:
                growth(measured)
            return
        env = render(work)
        started = time.perf_counter()
        facts = load(work, env, args)
        if args.mode == "verify":
            return
        print(
            f"{facts.get('cases')} cases, {facts.get('objects')} catalogued objects "
            f"({time.perf_counter() - started:.0f} s; this run loaded "
            f"{facts.get('loaded')} at {facts.get('rate')} cases/s)",
            flush=True,
        )
        if not args.load_only:
            measure(work, args, lua)
    finally:
        if not args.keep and args.data_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
