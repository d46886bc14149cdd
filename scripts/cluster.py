"""The portal as a cluster on loopback: `make cluster` / `make cluster-stop`.

    PostgreSQL (RelStorage database)  <-  N Zope processes  <-  HAProxy  <-  Varnish

Everything from Debian packages (postgresql, haproxy, varnish:
scripts/system-deps.sh) and the project's templates (instance/templates/:
zope.conf.in and friends through scripts/render_instance.py,
haproxy.cfg.in, varnish.vcl.in).  State, data and logs live in one
directory, kept between runs (`make reset` deletes it with instance/var).

    python scripts/cluster.py start     # or: make cluster
    python scripts/cluster.py stop      # or: make cluster-stop
    python scripts/cluster.py status

Settings (environment):

  CPMS_CLUSTER_SIZE         Zope processes                     (2)
  CPMS_CLUSTER_DIR          state, data, logs                  (instance/var/cluster)
  CPMS_CLUSTER_PORT         Varnish, the entry point           (8000)
  CPMS_CLUSTER_HAPROXY_PORT HAProxy                            (8001)
  CPMS_CLUSTER_ZOPE_PORTS   comma-separated, one per process   (8081, 8082, ...)
  CPMS_CLUSTER_PG_PORT      PostgreSQL                         (5433)
  CPMS_CLUSTER_RATE_LIMIT   requests per client per 10 s that
                            reach HAProxy (cache misses)       (500)
  CPMS_CLUSTER_CACHE_SIZE   Varnish memory                     (256m)
  CPMS_THREADS, CPMS_ADMIN_PASSWORD, CPMS_DEMO, CPMS_SITE_ID as for `make start`.

On several machines the same files run each on its own host: see
docs/deployment.md, section 4.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "instance" / "templates"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def settings(env=os.environ) -> dict:
    size = int(env.get("CPMS_CLUSTER_SIZE", "2"))
    if size < 1:
        sys.exit("CPMS_CLUSTER_SIZE must be at least 1")
    ports = env.get("CPMS_CLUSTER_ZOPE_PORTS")
    zope_ports = (
        [int(p) for p in ports.split(",")] if ports else [8081 + i for i in range(size)]
    )
    if len(zope_ports) != size:
        sys.exit("CPMS_CLUSTER_ZOPE_PORTS must name CPMS_CLUSTER_SIZE ports")
    directory = Path(
        env.get("CPMS_CLUSTER_DIR") or ROOT / "instance" / "var" / "cluster"
    ).resolve()
    return {
        "dir": str(directory),
        "size": size,
        "varnish_port": int(env.get("CPMS_CLUSTER_PORT", "8000")),
        "haproxy_port": int(env.get("CPMS_CLUSTER_HAPROXY_PORT", "8001")),
        "zope_ports": zope_ports,
        "pg_port": int(env.get("CPMS_CLUSTER_PG_PORT", "5433")),
        "rate_limit": int(env.get("CPMS_CLUSTER_RATE_LIMIT", "500")),
        "cache_size": env.get("CPMS_CLUSTER_CACHE_SIZE", "256m"),
        "threads": env.get("CPMS_THREADS", "4"),
        "site_id": env.get("CPMS_SITE_ID", "cpms"),
    }


def say(message):
    print(f"cluster: {message}", flush=True)


def run(command, **kw):
    result = subprocess.run(
        [str(c) for c in command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kw,
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout[-4000:]}")
    return result.stdout


def alive(pid) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_gone(pid, timeout) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        # Reap it if it is our child (it is not when started by another run).
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    return not alive(pid)


def read_pid(path: Path):
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


# --- PostgreSQL ----------------------------------------------------------------


def postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3])
    )
    if not candidates:
        sys.exit(f"{name} not found: run `make system-deps` (postgresql)")
    return candidates[-1]


class Postgres:
    """A PostgreSQL cluster of our own in the cluster directory.

    PostgreSQL refuses to run as root: as root, its directory belongs to the
    `postgres` system user (the Debian package creates it).
    """

    def __init__(self, conf):
        self.dir = Path(conf["dir"]) / "postgres"
        self.data = self.dir / "data"
        self.port = conf["pg_port"]
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.password_file = Path(conf["dir"]) / "postgres.password"

    def _run(self, *command):
        return run([*self.as_user, *command])

    def password(self) -> str:
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            self.password_file.chmod(0o600)
        return self.password_file.read_text().strip()

    def dsn(self, dbname="cpms") -> str:
        return (
            f"dbname={dbname} host={HOST} port={self.port} "
            f"user=cpms password={self.password()}"
        )

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
            reachable = subprocess.run([*self.as_user, "test", "-w", str(self.dir)])
            if reachable.returncode != 0:
                sys.exit(
                    f"the postgres user cannot reach {self.dir}: choose a "
                    "CPMS_CLUSTER_DIR whose parent directories others may enter"
                )
        if not (self.data / "PG_VERSION").exists():
            pwfile = self.dir / "pwfile"
            pwfile.write_text(self.password() + "\n")
            if self.as_user:
                shutil.chown(pwfile, "postgres", "postgres")
            try:
                self._run(
                    postgres_bin("initdb"), "-D", self.data, "-U", "cpms",
                    f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8",
                    "--no-locale",
                )  # fmt: skip
            finally:
                pwfile.unlink()
            say(f"initialised PostgreSQL in {self.data}")
        if (self.data / "postmaster.pid").exists() and self.running():
            return
        options = f"-h {HOST} -p {self.port} -k {self.dir}"
        self._run(
            postgres_bin("pg_ctl"), "-D", self.data, "-o", options,
            "-l", self.dir / "postgres.log", "-w", "-t", "60", "start",
        )  # fmt: skip
        self.create_database()
        say(f"PostgreSQL on {HOST}:{self.port}")

    def running(self) -> bool:
        status = subprocess.run(
            [*self.as_user, postgres_bin("pg_ctl"), "-D", str(self.data), "status"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return status.returncode == 0

    def create_database(self):
        import psycopg2

        connection = psycopg2.connect(self.dsn("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'cpms'")
            if cursor.fetchone() is None:
                cursor.execute('CREATE DATABASE "cpms"')
        connection.close()

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._run(postgres_bin("pg_ctl"), "-D", self.data, "-m", "fast", "stop")
            say("PostgreSQL stopped")


# --- Zope ------------------------------------------------------------------------


def zope_env(conf, index, dsn) -> dict:
    node = Path(conf["dir"]) / f"zope{index + 1}"
    return {
        **os.environ,
        "CPMS_STORAGE": "relstorage",
        "CPMS_RELSTORAGE_DSN": dsn,
        "CPMS_INSTANCE_ETC": str(node / "etc"),
        "CPMS_DATA_DIR": str(node / "var"),
        "CPMS_HOST": HOST,
        "CPMS_PORT": str(conf["zope_ports"][index]),
        "CPMS_THREADS": str(conf["threads"]),
    }


def zconsole(conf, env, script: Path):
    conf_file = Path(env["CPMS_INSTANCE_ETC"]) / "zope.conf"
    return run([BIN / "zconsole", "run", conf_file, script], env=env, cwd=ROOT)


def wait_until(url, timeout, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            sys.exit(f"{url}: the process exited:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    sys.exit(f"{url} did not answer within {timeout} s")


# --- HAProxy and Varnish ------------------------------------------------------------


def render(name, values) -> str:
    return Template((TEMPLATES / name).read_text()).substitute(values)


def write_haproxy(conf) -> Path:
    directory = Path(conf["dir"])
    servers = "\n".join(
        f"    server zope{i + 1} {HOST}:{port}"
        for i, port in enumerate(conf["zope_ports"])
    )
    path = directory / "haproxy.cfg"
    path.write_text(
        render(
            "haproxy.cfg.in",
            {
                "pidfile": directory / "haproxy.pid",
                "bind_host": HOST,
                "haproxy_port": conf["haproxy_port"],
                "rate_limit": conf["rate_limit"],
                "site_id": conf["site_id"],
                "threads": conf["threads"],
                "servers": servers,
            },
        )
    )
    run(["haproxy", "-c", "-q", "-f", path])
    return path


def write_varnish(conf) -> Path:
    path = Path(conf["dir"]) / "varnish.vcl"
    path.write_text(
        render(
            "varnish.vcl.in",
            {
                "haproxy_host": HOST,
                "haproxy_port": conf["haproxy_port"],
                "purge_acl": '    "127.0.0.1";\n    "::1";',
            },
        )
    )
    # varnishd drops its privileges: its workers must read the VCL.
    path.chmod(0o644)
    return path


def varnish_workdir(conf) -> Path:
    return Path(conf["dir"]) / "varnish"


# --- start / stop -----------------------------------------------------------------


def state_file(conf) -> Path:
    return Path(conf["dir"]) / "state.json"


def load_state(conf) -> dict:
    try:
        return json.loads(state_file(conf).read_text())
    except FileNotFoundError:
        return {}


def start(conf):
    directory = Path(conf["dir"])
    directory.mkdir(parents=True, exist_ok=True)
    # PostgreSQL (running as `postgres` when we are root) must reach its dir.
    directory.chmod(0o755)
    state = load_state(conf)
    if any(alive(pid) for pid in state.get("zopes", [])):
        say(f"already running (state in {state_file(conf)}); `make cluster-stop` first")
        return
    for tool in ("haproxy", "varnishd"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: run `make system-deps`")

    postgres = Postgres(conf)
    postgres.start()
    dsn = postgres.dsn()
    envs = [zope_env(conf, i, dsn) for i in range(conf["size"])]
    for env in envs:
        run([sys.executable, ROOT / "scripts" / "render_instance.py"], env=env)

    # The site, created (or upgraded) by one process while none serves.
    say("creating or upgrading the site (first process)")
    print(zconsole(conf, envs[0], ROOT / "scripts" / "create_site.py"), end="")
    varnish_url = f"http://{HOST}:{conf['varnish_port']}"
    purge_env = {**envs[0], "CPMS_CACHING_PROXIES": varnish_url}
    print(
        zconsole(conf, purge_env, ROOT / "scripts" / "set_caching_proxies.py"), end=""
    )

    zopes = []
    for index, env in enumerate(envs):
        log = Path(env["CPMS_DATA_DIR"]) / "log" / "console.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            process = subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "runwsgi"),
                    str(Path(env["CPMS_INSTANCE_ETC"]) / "zope.ini"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
        zopes.append((process, log, conf["zope_ports"][index]))
    state = {"zopes": [p.pid for p, _, _ in zopes], "settings": conf}
    state_file(conf).write_text(json.dumps(state, indent=2))
    for process, log, port in zopes:
        wait_until(f"http://{HOST}:{port}/{conf['site_id']}/@@ok", 300, process, log)
        say(f"Zope on {HOST}:{port} (pid {process.pid}, log {log})")

    haproxy_cfg = write_haproxy(conf)
    run(["haproxy", "-D", "-f", haproxy_cfg])
    wait_until(f"http://{HOST}:{conf['haproxy_port']}/{conf['site_id']}/@@ok", 60)
    say(f"HAProxy on {HOST}:{conf['haproxy_port']}")

    vcl = write_varnish(conf)
    workdir = varnish_workdir(conf)
    workdir.mkdir(exist_ok=True)
    run(
        [
            "varnishd",
            "-a", f"{HOST}:{conf['varnish_port']}",
            "-T", "none",
            "-n", workdir,
            "-f", vcl,
            "-P", Path(conf["dir"]) / "varnish.pid",
            "-s", f"malloc,{conf['cache_size']}",
        ]
    )  # fmt: skip
    wait_until(f"{varnish_url}/{conf['site_id']}/@@ok", 60)
    say(f"Varnish on {HOST}:{conf['varnish_port']}")
    say(f"serving {varnish_url}/{conf['site_id']}  (`make cluster-stop` stops it)")


def stop(conf):
    directory = Path(conf["dir"])
    state = load_state(conf)
    varnish_pid = read_pid(directory / "varnish.pid")
    if alive(varnish_pid):
        os.kill(varnish_pid, signal.SIGTERM)
        wait_gone(varnish_pid, 30)
        say("Varnish stopped")
    haproxy_pid = read_pid(directory / "haproxy.pid")
    if alive(haproxy_pid):
        os.kill(haproxy_pid, signal.SIGUSR1)  # soft stop: finish open requests
        if not wait_gone(haproxy_pid, 15):
            os.kill(haproxy_pid, signal.SIGTERM)
            wait_gone(haproxy_pid, 10)
        say("HAProxy stopped")
    for pid in state.get("zopes", []):
        if alive(pid):
            os.killpg(pid, signal.SIGTERM)
            if not wait_gone(pid, 30):
                os.killpg(pid, signal.SIGKILL)
                wait_gone(pid, 10)
            say(f"Zope (pid {pid}) stopped")
    Postgres(conf).stop()
    if state:
        state["zopes"] = []
        state_file(conf).write_text(json.dumps(state, indent=2))


def status(conf):
    directory = Path(conf["dir"])
    state = load_state(conf)
    print(f"varnish  {'up' if alive(read_pid(directory / 'varnish.pid')) else 'down'}")
    print(f"haproxy  {'up' if alive(read_pid(directory / 'haproxy.pid')) else 'down'}")
    for pid in state.get("zopes", []):
        print(f"zope     {'up' if alive(pid) else 'down'} (pid {pid})")
    print(f"postgres {'up' if Postgres(conf).running() else 'down'}")


def main(argv):
    command = argv[1] if len(argv) > 1 else "start"
    conf = settings()
    if command in ("stop", "status"):
        # Stop what was started, whatever the environment says now.
        saved = load_state(conf).get("settings")
        conf = saved or conf
    actions = {"start": start, "stop": stop, "status": status}
    if command not in actions:
        sys.exit(f"usage: {argv[0]} start|stop|status")
    actions[command](conf)


if __name__ == "__main__":
    main(sys.argv)
