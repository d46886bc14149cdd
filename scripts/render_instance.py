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
    values = {
        "instance_dir": str(INSTANCE),
        "data_dir": str(data_dir),
        "host": env.get("CPMS_HOST", "127.0.0.1"),
        "port": port,
        "threads": env.get("CPMS_THREADS", "4"),
        "relstorage_dsn": dsn,
    }
    values["storage"] = render(f"storage-{storage}.conf.in", values)
    return values


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
