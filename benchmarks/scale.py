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

LOADER = r"""
import json
import os
import random
import time

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from DateTime import DateTime
from plone import api
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from cpms.cases.case_id import create_case

COUNT = int(os.environ["BENCH_CASES"])
ITEMS = int(os.environ["BENCH_ITEMS"])
OUT = os.environ["BENCH_OUT"]
PASSWORD = os.environ["BENCH_PASSWORD"]
STATES = ["draft"] * 10 + ["submitted"] * 15 + ["in_discussion"] * 40 + ["closed"] * 35
ORPHA = ["ORPHA:93930", "ORPHA:93100", "ORPHA:1656", "ORPHA:2301", "ORPHA:93112"]
ICD10 = ["Q64.1", "Q62.1", "N31.9", "Q64.7"]
HPO = ["HP:0000252", "HP:0000010", "HP:0000020", "HP:0000126", "HP:0001250"]

app = makerequest(app)  # noqa: F821 - bound by zconsole
admin = app.acl_users.getUserById("admin")
newSecurityManager(None, admin.__of__(app.acl_users))
portal = app["cpms"]
setSite(portal)
random.seed(4)

catalog = api.portal.get_tool("portal_catalog")
existing = len(catalog.unrestrictedSearchResults(portal_type="Case"))
clinicians = [f"clin{i}" for i in range(50)]
experts = [f"exp{i}" for i in range(100)]
if api.user.get(userid="coord") is None:
    for userid in [*clinicians, *experts]:
        api.user.create(
            username=userid, email=f"{userid}@example.invalid", password=PASSWORD,
            roles=["Member", "Healthcare Professional"],
        )
    api.user.create(
        username="coord", email="coord@example.invalid", password=PASSWORD,
        roles=["Member", "Coordinator"],
    )
    area = api.content.create(
        container=portal["network"], type="ExpertiseArea", id="bench-area",
        title="Bench area", workstream="Bench",
    )
    api.content.create(
        container=portal["network"], type="HealthcareProvider", id="bench-hcp",
        title="Bench hospital", country="AT", city="Graz",
        expertise_areas=[area.UID()],
    )
    transaction.commit()
area = portal["network"]["bench-area"]
provider = portal["network"]["bench-hcp"]
wf_tool = api.portal.get_tool("portal_workflow")
workflow = wf_tool.getWorkflowById("cpms_case_workflow")
order = ("draft", "submitted", "in_discussion", "closed")
start = time.perf_counter()
for number in range(existing, COUNT):
    owner = random.choice(clinicians)
    with api.env.adopt_user(username=owner):
        case = create_case(
            portal["cases"], nickname=f"Bench {number}", sex="female",
            year_of_birth=2010, referring_hcp=provider.UID(),
            referring_clinician=owner, urgent=random.random() < 0.1,
            expertise_area=area.UID(), clinical_summary="Synthetic case.",
            clinical_question="Synthetic question?",
            orpha_codes=random.sample(ORPHA, 1), icd10_codes=random.sample(ICD10, 1),
            hpo_terms=random.sample(HPO, 2),
        )
        api.content.create(
            container=case, type="ConsentRecord", title="Care consent", kind="care",
            consent_language="de", consent_version="1.0",
            consent_date=DateTime("2026-01-01").asdatetime().date(),
        )
    state = random.choice(STATES)
    members = []
    if state != "draft":
        lead = "exp0" if number % 10 == 0 else random.choice(experts)
        case.manage_setLocalRoles(lead, ["Panel Lead"])
        members = [m for m in random.sample(experts, 4) if m != lead]
        for member in members:
            case.manage_setLocalRoles(member, ["Panel Member"])
    days_ago = random.randint(1, 1500)
    for step, name in enumerate(order[1 : order.index(state) + 1]):
        wf_tool.setStatusOf(
            "cpms_case_workflow", case,
            {"action": name, "review_state": name, "actor": owner, "comments": "",
             "time": DateTime() - days_ago + step * random.randint(3, 30)},
        )
        workflow.updateRoleMappingsFor(case)
        if name == "in_discussion":
            # The panel members write while the case is in discussion.
            for author in members[:ITEMS]:
                with api.env.adopt_user(username=author):
                    api.content.create(
                        container=case, type="Contribution", title="Opinion",
                        text="Synthetic contribution.",
                    )
    workflow.updateRoleMappingsFor(case)
    case.reindexObject()
    case.reindexObjectSecurity()
    if number % 500 == 499:
        transaction.commit()
        print(f"  {number + 1} cases ({time.perf_counter() - start:.0f} s)", flush=True)
transaction.commit()
sample = catalog.unrestrictedSearchResults(
    portal_type="Case", review_state="in_discussion", sort_limit=1
)[0]
json.dump(
    {"cases": len(catalog.unrestrictedSearchResults(portal_type="Case")),
     "sample_case": sample.getPath()},
    open(OUT, "w"),
)
print(f"loaded {COUNT - existing} cases in {time.perf_counter() - start:.0f} s")
app._p_jar.db().close()
"""

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %.1f %.1f %.1f\\n",
    summary.requests, summary.errors.status, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
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
    command += ["-s", str(lua)]
    if user:
        token = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
        command += ["-H", f"Authorization: Basic {token}"]
    if accept:
        command += ["-H", f"Accept: {accept}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    requests_, errors, duration_us, p50, p95, p99 = re.search(
        r"BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output
    ).groups()
    rate = int(requests_) / (int(duration_us) / 1e6)
    return rate, float(p50), float(p95), float(p99), int(errors)


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    current = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    return current, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--items-per-case", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the data")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk (make bench installs it)")

    work = args.data_dir or Path(tempfile.mkdtemp(prefix="cpms-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(work / "etc"),
        "CPMS_DATA_DIR": str(work / "var"),
        "CPMS_PORT": str(port),
        "CPMS_ADMIN_PASSWORD": PASSWORD,
        "CPMS_DEMO": "0",
    }
    zope = None
    try:
        subprocess.run(
            [BIN / "python", ROOT / "scripts/render_instance.py"], env=env, check=True
        )
        conf = work / "etc" / "zope.conf"
        print(f"Sites in {work} ...", flush=True)
        zconsole(conf, ROOT / "scripts/create_site.py", env, quiet=True)
        (work / "stock_site.py").write_text(STOCK_SITE)
        zconsole(conf, work / "stock_site.py", env, quiet=True)
        (work / "loader.py").write_text(LOADER)
        facts = work / "loaded.json"
        started = time.perf_counter()
        zconsole(
            conf,
            work / "loader.py",
            {
                **env,
                "BENCH_CASES": str(args.cases),
                "BENCH_ITEMS": str(args.items_per_case),
                "BENCH_OUT": str(facts),
                "BENCH_PASSWORD": PASSWORD,
            },
        )
        loaded = json.loads(facts.read_text())
        print(f"{loaded['cases']} cases ({time.perf_counter() - started:.0f} s)")
        data_fs = work / "var" / "filestorage" / "Data.fs"
        print(f"Data.fs {data_fs.stat().st_size / 2**20:.0f} MB")

        zope = subprocess.Popen(
            [BIN / "runwsgi", work / "etc" / "zope.ini"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        site = f"{base}/cpms"
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(f"{site}/@@ok", timeout=(2, 120)).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                sys.exit("Zope did not start")
            time.sleep(0.5)

        case_url = base + loaded["sample_case"]
        scenarios = [
            ("My cases, a clinician", f"{site}/@@my-cases", "clin1", None),
            ("My cases, busy lead (exp0)", f"{site}/@@my-cases", "exp0", None),
            ("Case workspace", case_url, "coord", None),
            (
                "REST search by code",
                f"{site}/++api++/@search?portal_type=Case&SearchableText=ORPHA%3A93930",
                "coord",
                "application/json",
            ),
            (
                "REST search by state",
                f"{site}/++api++/@search?portal_type=Case&review_state=in_discussion",
                "coord",
                "application/json",
            ),
            (
                "@coordinator-dashboard",
                f"{site}/++api++/@coordinator-dashboard",
                "coord",
                "application/json",
            ),
            ("Front page, anonymous", site, None, None),
            ("Stock Plone front page", f"{base}/stock", None, None),
        ]
        lua = work / "percentiles.lua"
        lua.write_text(LUA)
        print(
            f"\n{loaded['cases']} cases, {args.connections} users, "
            f"{args.seconds:.0f} s each\n"
            f"{'scenario':32s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} "
            f"{'p99 ms':>8s} {'non-2xx':>8s}"
        )
        rates = {}
        for label, url, user, accept in scenarios:
            auth = (user, PASSWORD) if user else None
            headers = {"Accept": accept} if accept else {}
            warm = requests.get(url, auth=auth, headers=headers, timeout=300)
            if warm.status_code != 200:
                print(f"{label:32s} answers {warm.status_code}: skipped")
                continue
            rate, p50, p95, p99, errors = wrk(
                url, args.seconds, args.connections, lua, user, accept
            )
            rates[label] = rate
            print(
                f"{label:32s} {rate:8.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:8d}"
            )
        if "Front page, anonymous" in rates and "Stock Plone front page" in rates:
            ratio = rates["Front page, anonymous"] / rates["Stock Plone front page"]
            print(f"front page / stock Plone: {ratio:.2f}x")
        current, peak = rss_mb(zope.pid)
        print(f"Zope resident memory: {current:.0f} MB now, {peak:.0f} MB peak")
    finally:
        if zope is not None:
            zope.terminate()
            zope.wait(30)
        if not args.keep and args.data_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
