"""Render the Zope instance configuration into instance/etc/ from instance/templates/.

Settings come from the environment so that one checkout serves a laptop demo,
CI and a multi-instance deployment alike:

  CPMS_HOST        interface to listen on          (127.0.0.1)
  CPMS_PORT        port                            (8080)
  CPMS_THREADS     waitress worker threads         (4)
  CPMS_DATA_DIR    Data.fs, blobs, logs, caches    (instance/var)
  CPMS_INSTANCE_ETC  where the configuration goes  (instance/etc); one per
                   Zope process when several share a RelStorage database
  CPMS_STORAGE     filestorage | relstorage        (filestorage)
  CPMS_RELSTORAGE_DSN  PostgreSQL DSN, with CPMS_STORAGE=relstorage
  CPMS_AUDIT_DB    the access audit's database: a SQLAlchemy URL or a libpq
                   DSN (a SQLite file in the data directory; with relstorage,
                   the RelStorage database)

Limits against broken and hostile clients (waitress, zope.ini):

  CPMS_MAX_BODY_MB     largest request body, MB; larger ones get 413   (100)
  CPMS_MAX_HEADER_KB   largest request line + headers, KB; larger: 431  (64)
  CPMS_CHANNEL_TIMEOUT seconds a connection may stay silent            (30)
  CPMS_CONNECTION_LIMIT  open connections at most                      (1000)

Memory (each worker thread has its own ZODB connection and object cache):

  CPMS_ZODB_CACHE_OBJECTS  objects kept per connection                 (30000)
  CPMS_ZODB_CACHE_MB   the most MB one connection's cache may hold;
                       0 for no limit but the object count            (0)
"""

import os
import sys
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
TEMPLATES = INSTANCE / "templates"


def settings(env=os.environ) -> dict[str, str]:
    data_dir = Path(env.get("CPMS_DATA_DIR") or INSTANCE / "var").resolve()
    storage = env.get("CPMS_STORAGE", "filestorage")
    if storage not in ("filestorage", "relstorage"):
        sys.exit(f"CPMS_STORAGE must be filestorage or relstorage, not {storage!r}")
    dsn = env.get("CPMS_RELSTORAGE_DSN", "")
    if storage == "relstorage" and not dsn:
        sys.exit("CPMS_STORAGE=relstorage needs CPMS_RELSTORAGE_DSN")
    port = env.get("CPMS_PORT", "8080")
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"CPMS_PORT must be a port number, not {port!r}")
    limits = {
        name: positive_int(env, name, default)
        for name, default in (
            ("CPMS_MAX_BODY_MB", 100),
            ("CPMS_MAX_HEADER_KB", 64),
            ("CPMS_CHANNEL_TIMEOUT", 30),
            ("CPMS_CONNECTION_LIMIT", 1000),
            ("CPMS_ZODB_CACHE_OBJECTS", 30000),
        )
    }
    cache_mb = env.get("CPMS_ZODB_CACHE_MB") or "0"
    if not cache_mb.isdigit():
        sys.exit(
            "CPMS_ZODB_CACHE_MB must be a whole number of MB (0: no limit),"
            f" not {cache_mb!r}"
        )
    values = {
        "max_request_body_size": str(limits["CPMS_MAX_BODY_MB"] * 1024 * 1024),
        "max_request_header_size": str(limits["CPMS_MAX_HEADER_KB"] * 1024),
        "channel_timeout": str(limits["CPMS_CHANNEL_TIMEOUT"]),
        # Idle connections are looked for this often: a third of the timeout.
        "cleanup_interval": str(max(1, limits["CPMS_CHANNEL_TIMEOUT"] // 3)),
        "connection_limit": str(limits["CPMS_CONNECTION_LIMIT"]),
        "cache_objects": str(limits["CPMS_ZODB_CACHE_OBJECTS"]),
        "cache_bytes": f"{int(cache_mb)}MB",
        "backlog": "1024",
        "instance_dir": str(INSTANCE),
        "data_dir": str(data_dir),
        "host": env.get("CPMS_HOST", "127.0.0.1"),
        "port": port,
        "threads": env.get("CPMS_THREADS", "4"),
        "relstorage_dsn": dsn,
        # The access audit: its own table in the same database as the
        # content (PostgreSQL), or a SQLite file next to Data.fs.
        "audit_db": env.get("CPMS_AUDIT_DB")
        or (dsn if storage == "relstorage" else f"sqlite:///{data_dir}/audit.sqlite"),
    }
    values["storage"] = render(f"storage-{storage}.conf.in", values)
    return values


def positive_int(env, name: str, default: int) -> int:
    value = env.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


def render(name: str, values: dict[str, str]) -> str:
    return Template((TEMPLATES / name).read_text()).substitute(values)


def main():
    values = settings()
    etc = Path(os.environ.get("CPMS_INSTANCE_ETC") or INSTANCE / "etc").resolve()
    etc.mkdir(parents=True, exist_ok=True)
    data_dir = Path(values["data_dir"])
    for sub in ("filestorage", "blobstorage", "log", "cache"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    for name in ("zope.conf", "zope.ini", "site.zcml"):
        (etc / name).write_text(render(f"{name}.in", values))
    print(f"Rendered {etc} (data in {data_dir})")


if __name__ == "__main__":
    main()
