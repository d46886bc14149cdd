"""The access audit's store, from the command line, with the portal up or down.

    python scripts/audit_store.py verify          # `make audit-verify`
    python scripts/audit_store.py rotate [--archive-after-days N] [--keep-days N]

The store is not the ZODB: it can be opened while the portal runs (SQLite
serialises writers; PostgreSQL is a server). Its address: ``CPMS_AUDIT_DB``,
else ``audit-db`` in the rendered zope.conf (``CPMS_INSTANCE_ETC``, default
instance/etc). ``verify`` prints the chain's state and exits 1 at the first
broken link, naming it. ``rotate`` applies the retention settings (defaults:
the registry's defaults in profiles/default/registry/audit.xml; a running
portal's own values are used by ``POST @audit-log-rotate``).
"""

import argparse
import json
import os
import sys
from pathlib import Path

from cpms.core import auditstore

ROOT = Path(__file__).resolve().parent.parent


def url_from_zope_conf() -> str | None:
    etc = Path(os.environ.get("CPMS_INSTANCE_ETC") or ROOT / "instance" / "etc")
    conf = etc / "zope.conf"
    if not conf.exists():
        return None
    for line in conf.read_text().splitlines():
        name, _, value = line.strip().partition(" ")
        if name == "audit-db" and value.strip():
            return value.strip()
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="walk the hash chain, name the first broken link")
    rotate = sub.add_parser("rotate", help="archive old records, delete expired ones")
    rotate.add_argument("--archive-after-days", type=int, default=90)
    rotate.add_argument("--keep-days", type=int, default=3650)
    args = parser.parse_args(argv)
    url = os.environ.get(auditstore.ENV) or url_from_zope_conf()
    if not url:
        print(
            "No audit store: set CPMS_AUDIT_DB or render the instance (make instance).",
            file=sys.stderr,
        )
        return 2
    auditstore.configure(url)
    if args.command == "verify":
        result = auditstore.verify()
        print(json.dumps(result, indent=1))
        return 0 if result["ok"] else 1
    result = auditstore.rotate(args.archive_after_days, args.keep_days)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
