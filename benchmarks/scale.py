"""What users wait for over HTTP with many cases (not a test). A skeleton.

    .venv/bin/python benchmarks/scale.py --cases 1000 [--seconds 10] [--connections 8]
    .venv/bin/python benchmarks/scale.py --cases 10000 --data-dir /srv/bench-10k --keep

1. Renders a FileStorage instance into a throwaway directory (or
   ``--data-dir``, reused when it already holds the site and enough cases),
   creates the `cpms` site without demo content and a stock Plone `classic`
   site beside it.
2. Bulk-loads a synthetic network through the portal's own code in one
   ``zconsole`` run: an expertise area, a provider, 50 clinicians, 100
   experts and a coordinator; ``--cases`` cases made by ``create_case`` with
   coded terms (ORPHA, ICD-10, HPO), a care consent record, local roles (owner,
   a lead, panel members; ``exp0`` leads one case in ten) and a workflow state
   with its history, indexed as the portal indexes them; committed every 500.
   ``--items-per-case`` adds contributions to cases past `submitted`.
3. Serves the database with ``runwsgi`` (4 threads, as ``make start``) and
   measures each scenario with wrk (``--connections`` concurrent users,
   ``--seconds`` each): requests/s, p50/p95/p99 latency, non-2xx answers;
   then the resident memory of the Zope process.

Scenarios: My cases of a clinician and of the busy lead, a case workspace,
REST case search by code and by state, ``@coordinator-dashboard``, the front
page anonymously, and the stock Plone front page for the ratio.

What this skeleton does not do yet (benchmarks/README.md): RelStorage, the
cluster (``make cluster`` serves the same URLs on its Varnish port), growth
tables across 1k/10k/100k in one run.
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
# Adds indexes of later code to a database loaded before it (run before
# serving a kept data directory).
UPGRADE = """
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
import transaction
from cpms.upgrades.v20261202037 import upgrade

app = makerequest(app)  # noqa: F821 - bound by zconsole
newSecurityManager(None, app.acl_users.getUserById("admin").__of__(app.acl_users))
portal = app["cpms"]
setSite(portal)
upgrade(portal.portal_setup)  # does nothing when the indexes are there
transaction.commit()
"""

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


def wrk(url, seconds, connections, lua, user=None, accept=None):
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s"]
    # A slow page must count with its time, not as a timeout (wrk's is 2 s).
    command += ["--timeout", "120s", "-s", str(lua)]
    if user:
        token = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
        command += ["-H", f"Authorization: Basic {token}"]
    if accept:
        command += ["-H", f"Accept: {accept}"]
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
    }


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    current = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    return current, peak


def load_average() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def instance_env(work: Path, port: int) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(work / "etc"),
        "CPMS_DATA_DIR": str(work / "var"),
        "CPMS_PORT": str(port),
        "CPMS_ADMIN_PASSWORD": PASSWORD,
        "CPMS_DEMO": "0",
    }


def render(work: Path) -> dict:
    env = instance_env(work, free_port())
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
    env = render(work)
    conf = work / "etc" / "zope.conf"
    (work / "upgrade.py").write_text(UPGRADE)
    zconsole(conf, work / "upgrade.py", env)
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
            f"{args.seconds:.0f} s each\n"
            f"{'scenario':30s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} "
            f"{'p99 ms':>8s} {'errors':>6s} {'load':>13s}",
            flush=True,
        )
        for label, url, user, accept in scenarios(base, facts["sample_case"]):
            auth = (user, PASSWORD) if user else None
            headers = {"Accept": accept} if accept else {}
            warm = requests.get(url, auth=auth, headers=headers, timeout=300)
            if warm.status_code != 200:
                print(f"{label:30s} answers {warm.status_code}: skipped", flush=True)
                continue
            row = wrk(url, args.seconds, args.connections, lua, user, accept)
            row["load"] = load_average()
            results["rows"][label] = row
            print(
                f"{label:30s} {row['rate']:7.1f} {row['p50']:8.1f} {row['p95']:8.1f} "
                f"{row['p99']:8.1f} {row['errors']:6d} {row['load']:>13s}",
                flush=True,
            )
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
        size = (work / "var" / "filestorage" / "Data.fs").stat().st_size / 2**20
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
    print(f"\nGrowth against {first['cases']} cases (p95; stock page's req/s ratio)")
    for later in measured[1:]:
        factor = later["cases"] / max(first["cases"], 1)
        print(f"{later['cases']} cases ({factor:.0f}x):")
        for label, row in later["rows"].items():
            before = first["rows"].get(label)
            if before:
                print(
                    f"  {label:30s} p95 {before['p95']:8.1f} -> {row['p95']:8.1f} ms"
                    f" ({row['p95'] / max(before['p95'], 0.1):5.1f}x)"
                )
        before, after = first["rss"][1], later["rss"][1]
        print(f"  resident memory (peak) {before:.0f} -> {after:.0f} MB")


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
