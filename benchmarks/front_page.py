"""Requests per second of the CPMS front page next to a stock Plone 6.2 Classic site.

Both sites live in the same Zope process and database, in a throwaway data
directory: `cpms` (the portal with its demo content, as `make start` creates
it) and `stock` (Plone's own `classic` distribution with its example content).
Each front page is requested anonymously for a fixed time by a fixed number of
concurrent keep-alive connections on loopback, with wrk when it is installed,
otherwise with a small threaded Python client.  Prints both rates, their ratio
and the peak resident memory of the Zope process.

    .venv/bin/python benchmarks/front_page.py [--seconds 10] [--connections 8]

(`make bench` runs it.)  Numbers depend on the machine and its load: compare
runs made on the same machine, side by side.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

STOCK_SITE = """
import transaction
from AccessControl.SecurityManagement import newSecurityManager
from plone.distribution.api import site as site_api
from Testing.makerequest import makerequest

app = makerequest(app)  # noqa: F821 - bound by zconsole
if "stock" not in app.objectIds():
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    site_api.create(app, "classic", {
        "site_id": "stock", "title": "Stock Plone", "default_language": "en",
        "portal_timezone": "Europe/Brussels", "setup_content": True,
    })
    transaction.commit()
    print("Created site /stock")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_client(url: str, seconds: float, connections: int) -> float:
    """Requests/s of `connections` threads, each with its own keep-alive session."""
    counts = [0] * connections
    errors = []
    stop_at = time.monotonic() + seconds

    def worker(i):
        session = requests.Session()
        while time.monotonic() < stop_at:
            response = session.get(url, timeout=60)
            if response.status_code == 200:
                counts[i] += 1
            else:
                errors.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:  # counted out of the rate, but said
        print(f"  {url}: {len(errors)} responses not 200: {sorted(set(errors))}")
    return sum(counts) / (time.monotonic() - start)


def wrk_client(url: str, seconds: float, connections: int) -> float:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output:
        sys.exit(f"{url}: wrk got non-2xx responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cpms-bench-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CPMS_")},
        "CPMS_INSTANCE_ETC": str(work / "etc"),
        "CPMS_DATA_DIR": str(work / "var"),
        "CPMS_PORT": str(port),
        "CPMS_ADMIN_PASSWORD": "bench",
    }
    zope = None
    try:
        print(f"Setting up both sites in {work} ...", flush=True)
        subprocess.run(
            [BIN / "python", ROOT / "scripts/render_instance.py"], env=env, check=True
        )
        conf = work / "etc" / "zope.conf"
        subprocess.run(
            [BIN / "zconsole", "run", conf, ROOT / "scripts/create_site.py"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (work / "stock_site.py").write_text(STOCK_SITE)
        subprocess.run(
            [BIN / "zconsole", "run", conf, work / "stock_site.py"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        zope = subprocess.Popen(
            [BIN / "runwsgi", work / "etc" / "zope.ini"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sites = {name: f"http://127.0.0.1:{port}/{name}" for name in ("cpms", "stock")}
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(sites["cpms"], timeout=(2, 120)).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or zope.poll() is not None:
                sys.exit("Zope did not start")
            time.sleep(0.5)

        client, name = (
            (wrk_client, "wrk") if shutil.which("wrk") else (python_client, "python")
        )
        print(
            f"Client: {name}, {args.connections} connections, {args.seconds:.0f} s "
            "per front page, anonymous, loopback",
            flush=True,
        )
        rates = {}
        for site, url in sites.items():
            python_client(url, 2, 2)  # warm up: templates, caches
            rates[site] = client(url, args.seconds, args.connections)
            print(f"  {site:6} {rates[site]:8.1f} requests/s  ({url})", flush=True)
        print(f"  ratio cpms/stock: {rates['cpms'] / rates['stock']:.2f}")
        print(f"  peak RSS of the Zope process: {peak_rss_mb(zope.pid):.0f} MB")
    finally:
        if zope is not None:
            zope.terminate()
            zope.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
