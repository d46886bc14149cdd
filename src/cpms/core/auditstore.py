"""The access audit's store: a table of its own in a real database, outside
the ZODB, append-only and tamper-evident.

Why not the ZODB: recording every read on the case object would turn each
read into a write (and writes of the same case into conflicts); a refused
request aborts Zope's transaction, and its record must stay. So each record
is written in its own database connection and committed at once, whatever
Zope does with its transaction afterwards.

Where: ``CPMS_AUDIT_DB`` in the environment, else ``audit-db`` of the
``<product-config cpms>`` section of zope.conf (instance/templates render
it: a SQLite file in the instance's data directory for the embedded default,
the RelStorage PostgreSQL database with ``CPMS_STORAGE=relstorage``), else a
SQLite file ``audit.sqlite`` in Zope's client home. A value with ``://`` is a
SQLAlchemy URL; anything else is taken as a libpq DSN (``dbname=... host=...``,
what RelStorage is given) and opened with psycopg2. Tests call
``configure(url)`` with a temporary SQLite file per layer.

The chain: each record carries the hash of the record before it
(``prev_hash``) and its own ``hash``, sha256 over the record's canonical JSON
(its fields, sorted keys, ``hash`` left out) followed by ``prev_hash``.
Appends are serialised so that two never take the same predecessor: SQLite
takes its write lock at ``BEGIN IMMEDIATE``; PostgreSQL locks the ``head``
row of ``audit_chain`` (``SELECT ... FOR UPDATE``). ``audit_chain`` keeps two
rows: ``head`` (the last record's id and hash) and ``anchor`` (the hash the
oldest kept record must name as its predecessor: zeros, until retention
deletes records). ``verify()`` walks the archive, then the live table, in id
order and returns the first record whose hash or link does not hold.

Rotation (``rotate(archive_after_days, keep_days)``): records older than
``archive_after_days`` move, unchanged, to ``audit_archive`` (same columns,
same ids), so queries of recent records stay small while the chain still
runs archive -> live table; archived records older than ``keep_days`` are
deleted, and the last deleted record's hash becomes the new ``anchor``, so
what is kept still verifies from its first record on. Both run under the
append lock. The settings are in the registry (profiles/default/registry/
audit.xml); ``make audit-rotate`` applies them.
"""

import hashlib
import json
import os
import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Column
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import create_engine
from sqlalchemy import delete
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

ENV = "CPMS_AUDIT_DB"
GENESIS = "0" * 64
# What a record holds, in this order (the hash covers all but ``hash``).
FIELDS = (
    "id",
    "time",
    "user",
    "roles",
    "case_uid",
    "case",
    "item",
    "action",
    "channel",
    "outcome",
    "client",
    "details",
    "kind",
    "prev_hash",
)
# What a reader of the log is shown of a record, in this order (the case's
# UID is left out: it is a key of the content, not a fact of the audit; the
# record's own hash is kept for verification).
PUBLIC_FIELDS = (
    *(name for name in FIELDS if name not in ("case_uid", "prev_hash")),
    "hash",
)
CHANNELS = ("web", "rest", "download")
OUTCOMES = ("allowed", "refused")
# ``trail``: a decision a slice records (a close override, a consent
# withdrawal: ``cpms.core.audit.record``); ``access``: a request that read or
# wrote case data; ``event``: a change seen through a zope event (sharing,
# guests, transitions, deletions).
KINDS = ("trail", "access", "event")

metadata = MetaData()


def _columns():
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("time", String(32), nullable=False),
        Column("user", String(255), nullable=False, default=""),
        Column("roles", String(1000), nullable=False, default=""),
        Column("case_uid", String(64), nullable=False, default=""),
        Column("case", String(64), nullable=False, default=""),
        Column("item", String(1000), nullable=False, default=""),
        Column("action", String(64), nullable=False),
        Column("channel", String(16), nullable=False, default="web"),
        Column("outcome", String(16), nullable=False, default="allowed"),
        Column("client", String(64), nullable=False, default=""),
        Column("details", Text, nullable=False, default=""),
        Column("kind", String(16), nullable=False, default="access"),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    ]


records = Table("audit_record", metadata, *_columns(), sqlite_autoincrement=True)
archive = Table("audit_archive", metadata, *_columns())
chain = Table(
    "audit_chain",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("record_id", Integer, nullable=False, default=0),
    Column("hash", String(64), nullable=False),
)
for _table in (records, archive):
    Index(f"ix_{_table.name}_case_uid", _table.c.case_uid, _table.c.id)
    Index(f"ix_{_table.name}_case", _table.c.case)
    Index(f"ix_{_table.name}_user", _table.c.user)
    Index(f"ix_{_table.name}_time", _table.c.time)

_lock = threading.Lock()
_engine = None
_url = None


def canonical(record: dict) -> str:
    return json.dumps(
        {name: record.get(name) for name in FIELDS if name != "prev_hash"},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def digest(record: dict) -> str:
    """sha256 over the canonical record followed by the previous hash."""
    payload = canonical(record) + record["prev_hash"]
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now() -> str:
    """UTC, fixed width: strings sort as times do."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def configured_url() -> str:
    value = os.environ.get(ENV, "").strip()
    if not value:
        try:
            from App.config import getConfiguration

            config = getConfiguration()
            value = (
                (getattr(config, "product_config", None) or {}).get("cpms") or {}
            ).get("audit-db", "")
            if not value:
                home = getattr(config, "clienthome", None) or os.getcwd()
                value = f"sqlite:///{os.path.join(home, 'audit.sqlite')}"
        except ImportError:  # pragma: no cover - outside Zope
            value = "sqlite:///audit.sqlite"
    return value.strip()


def _make_engine(url: str):
    if "://" not in url:
        # A libpq DSN, as RelStorage takes it, handed to psycopg2 as it is
        # (SQLAlchemy's empty URL passes its own blank DSN: a second one in
        # connect_args fails with "multiple values for argument 'dsn'").
        import psycopg2

        return create_engine(
            "postgresql+psycopg2://",
            creator=lambda: psycopg2.connect(url),
            pool_pre_ping=True,
        )
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # Pooled connections, each used by one thread at a time (the pool
        # hands it over): opening one per record cost ~20 ms.
        engine = create_engine(
            url, connect_args={"timeout": 60, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            # Transactions are begun by us (below), not by the driver.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            # An append takes the write lock at once, so that no other append
            # reads the same head in between.
            immediate = connection.get_execution_options().get("immediate")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def configure(url: str | None = None):
    """Use the database at ``url`` (default: ``configured_url()``) from now on."""
    global _engine, _url
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _url = url or configured_url()
        _engine = _make_engine(_url)
        # Under the append lock's kind of lock, so that two processes starting
        # at once on a new database do not both create the tables and rows.
        with _write_connection(_engine) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext('cpms.auditstore'))")
                )
            metadata.create_all(conn)
            for name in ("head", "anchor"):
                if (
                    conn.execute(
                        select(chain.c.name).where(chain.c.name == name)
                    ).first()
                    is None
                ):
                    conn.execute(
                        insert(chain).values(name=name, record_id=0, hash=GENESIS)
                    )
    return _engine


def engine():
    if _engine is None:
        configure()
    return _engine


def url() -> str | None:
    return _url


def _locked(conn):
    """Take the append lock inside the current transaction; the head row."""
    if conn.dialect.name == "sqlite":
        # BEGIN IMMEDIATE (see _begin) holds the database's write lock.
        return conn.execute(select(chain).where(chain.c.name == "head")).one()
    return conn.execute(
        select(chain).where(chain.c.name == "head").with_for_update()
    ).one()


def _write_connection(to=None):
    return (to or engine()).connect().execution_options(immediate=True)


def _read_connection():
    """One snapshot for all the statements of a read: PostgreSQL's default
    (READ COMMITTED) takes one per statement, so a ``verify()`` during appends
    or a rotation would see a head older than the records it walks, or a
    record in neither table. SQLite's read transaction is one snapshot."""
    conn = engine().connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _prepared(values: dict) -> dict:
    return {
        "time": values.get("time") or now(),
        "user": values.get("user") or "",
        "roles": _roles(values.get("roles")),
        "case_uid": values.get("case_uid") or "",
        "case": values.get("case") or "",
        "item": values.get("item") or "",
        "action": values.get("action") or "",
        "channel": values.get("channel") or "web",
        "outcome": values.get("outcome") or "allowed",
        "client": values.get("client") or "",
        "details": values.get("details") or "",
        "kind": values.get("kind") or "access",
    }


def append_many(rows) -> list[dict]:
    """Append records in one transaction, committed at once; returns them."""
    prepared = [_prepared(values) for values in rows]
    if not prepared:
        return []
    with _write_connection() as conn, conn.begin():
        head = _locked(conn)
        previous, last_id = head.hash, head.record_id
        for record in prepared:
            last_id += 1
            record["id"] = last_id
            record["prev_hash"] = previous
            record["hash"] = previous = digest(record)
        conn.execute(insert(records), prepared)
        conn.execute(
            update(chain)
            .where(chain.c.name == "head")
            .values(record_id=last_id, hash=previous)
        )
    return prepared


def append(**values) -> dict:
    """Append one record, committed at once; returns it (with id and hash)."""
    return append_many([values])[0]


def _roles(roles) -> str:
    if not roles:
        return ""
    if isinstance(roles, str):
        return roles
    return ",".join(sorted(set(roles)))


def _filtered(
    table,
    case_uid=None,
    case=None,
    user=None,
    action=None,
    outcome=None,
    channel=None,
    kind=None,
    since=None,
    until=None,
):
    query = select(table)
    for column, value in (
        ("case_uid", case_uid),
        ("case", case),
        ("user", user),
        ("action", action),
        ("outcome", outcome),
        ("channel", channel),
        ("kind", kind),
    ):
        if value:
            if isinstance(value, (list, tuple, set)):
                query = query.where(table.c[column].in_(list(value)))
            else:
                query = query.where(table.c[column] == value)
    if since:
        query = query.where(table.c.time >= since)
    if until:
        query = query.where(table.c.time < until)
    return query


def search(start=0, size=None, newest_first=True, archived=False, **filters):
    """Records matching ``filters`` (see ``_filtered``), as dicts; and the total.

    ``since``/``until`` are fixed-width UTC strings as ``now()`` makes them (a
    date ``2026-11-30`` compares as the start of that day)."""
    tables = [records, archive] if archived else [records]
    items, total = [], 0
    with _read_connection() as conn:
        for table in tables:
            query = _filtered(table, **filters)
            total += conn.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar()
        if len(tables) == 1:
            query = _filtered(records, **filters)
        else:
            query = _filtered(records, **filters).union_all(
                _filtered(archive, **filters)
            )
            query = select(query.subquery())
        order = query.selected_columns.id
        query = query.order_by(order.desc() if newest_first else order.asc())
        if start:
            query = query.offset(start)
        if size is not None:
            query = query.limit(size)
        items = [dict(row._mapping) for row in conn.execute(query)]
    return items, total


def verify() -> dict:
    """Walk the chain: ``{"ok": True, "records": n}``, or the first broken
    link: ``{"ok": False, "id": ..., "problem": ...}``."""
    with _read_connection() as conn:
        anchor = conn.execute(select(chain).where(chain.c.name == "anchor")).one()
        head = conn.execute(select(chain).where(chain.c.name == "head")).one()
        expected = anchor.hash
        count = 0
        last_id = anchor.record_id
        for table in (archive, records):
            for row in conn.execute(select(table).order_by(table.c.id)):
                record = dict(row._mapping)
                count += 1
                if record["id"] <= last_id:
                    return _broken(record, f"its id does not follow {last_id}")
                if record["prev_hash"] != expected:
                    return _broken(
                        record,
                        "it does not name the record before it: one was removed, "
                        "inserted or changed before it",
                    )
                if digest(record) != record["hash"]:
                    return _broken(
                        record, "its content does not match its hash: it was changed"
                    )
                expected = record["hash"]
                last_id = record["id"]
        if head.hash != expected:
            return {
                "ok": False,
                "id": head.record_id,
                "problem": "the last recorded record is missing or was changed",
                "records": count,
            }
    return {"ok": True, "records": count, "last_id": last_id}


def _broken(record, problem):
    return {
        "ok": False,
        "id": record["id"],
        "time": record["time"],
        "problem": f"record {record['id']} ({record['time']}): {problem}",
    }


def rotate(archive_after_days: int | None, keep_days: int | None, moment=None) -> dict:
    """Move records older than ``archive_after_days`` to the archive; delete
    archived records older than ``keep_days`` (None or 0: never)."""
    moment = moment or datetime.now(UTC)
    moved = deleted = 0

    def cutoff(days):
        return (moment - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    with _write_connection() as conn, conn.begin():
        _locked(conn)
        if archive_after_days:
            old = records.c.time < cutoff(archive_after_days)
            # Never the newest record: the live table keeps the head.
            head_id = conn.execute(select(func.max(records.c.id))).scalar() or 0
            where = old & (records.c.id < head_id)
            names = [c.name for c in records.columns]
            moved = conn.execute(
                insert(archive).from_select(
                    names, select(*records.columns).where(where)
                )
            ).rowcount
            conn.execute(delete(records).where(where))
        if keep_days:
            gone = archive.c.time < cutoff(keep_days)
            last = conn.execute(
                select(archive.c.id, archive.c.hash)
                .where(gone)
                .order_by(archive.c.id.desc())
                .limit(1)
            ).first()
            if last is not None:
                deleted = conn.execute(
                    delete(archive).where(archive.c.id <= last.id)
                ).rowcount
                conn.execute(
                    update(chain)
                    .where(chain.c.name == "anchor")
                    .values(record_id=last.id, hash=last.hash)
                )
    return {"archived": moved, "deleted": deleted}


def size_on_disk() -> int | None:
    """Bytes of the SQLite file (None for another database)."""
    if not (_url or "").startswith("sqlite"):
        return None
    path = _url.split(":///", 1)[-1]
    total = 0
    for suffix in ("", "-wal"):
        if os.path.exists(path + suffix):
            total += os.path.getsize(path + suffix)
    return total


def execute_raw(sql: str, **params):
    """Raw SQL on the store (tests and repairs: never used by the portal)."""
    with engine().begin() as conn:
        result = conn.execute(text(sql), params)
        return result.fetchall() if result.returns_rows else result.rowcount
