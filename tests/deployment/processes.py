"""Real processes for the deployment tests: commands, servers, PostgreSQL.

Everything listens on free loopback ports and lives in temporary directories;
every process started here is stopped by the code that started it.
"""

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from glob import glob
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def exclusive_lock(path: Path):
    """Hold an exclusive lock on `path` (waits for other holders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run(command, *, timeout=600, **kw) -> str:
    """Run a command; on failure show its output in the assertion message."""
    result = subprocess.run(
        [str(c) for c in command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        **kw,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
        f"{result.stdout[-6000:]}"
    )
    return result.stdout


class Server:
    """A long-running process (a Zope) with its output in a log file."""

    def __init__(self, command, log: Path, **kw):
        self.command = [str(c) for c in command]
        self.log = log
        self.kw = kw
        self.process = None

    def start(self):
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one
                **self.kw,
            )
        return self

    def wait_until_serving(self, url: str, timeout: float = 180) -> requests.Response:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.command} exited:\n{self.output()}")
            try:
                # The first page compiles templates: slow on a busy machine.
                response = requests.get(url, timeout=(2, 120))
                if response.status_code == 200:
                    return response
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        raise AssertionError(f"{url} not serving after {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def stop(self) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(10)


def postgres_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH, or Debian's versioned directory."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]),
    )
    assert candidates, f"{name} not found: run scripts/system-deps.sh (postgresql)"
    return candidates[-1]


class PostgresServer:
    """A throwaway PostgreSQL cluster on a loopback port, in a temp directory.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the
    `postgres` system user (the Debian package creates it) and its programs run
    through `runuser`.  Password authentication, as a deployment would use.
    """

    def __init__(self):
        self.port = free_port()
        self.user = "cpms"
        self.password = secrets.token_urlsafe(16)
        self.dir = Path(tempfile.mkdtemp(prefix="cpms-pg-"))
        self.data = self.dir / "data"
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *command):
        return run([*self.as_user, *command], timeout=120)

    def start(self):
        pwfile = self.dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.as_user:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(
            postgres_bin("initdb"),
            "-D", self.data,
            "-U", self.user,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E", "UTF8",
            "--no-locale",
        )  # fmt: skip
        pwfile.unlink()
        # Throwaway data: no fsync. Only loopback, socket in our directory.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            postgres_bin("pg_ctl"),
            "-D", self.data,
            "-o", options,
            "-l", self.dir / "postgres.log",
            "-w", "-t", "60",
            "start",
        )  # fmt: skip
        return self

    def dsn(self, dbname: str) -> str:
        return (
            f"dbname={dbname} host=127.0.0.1 port={self.port} "
            f"user={self.user} password={self.password}"
        )

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(self.dsn("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.dsn(name)

    def stop(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(postgres_bin("pg_ctl"), "-D", self.data, "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
