"""Storage: the one place where SQLite and PostgreSQL differ.

`Store` (store.py) opens either backend from a database URL and hands every module the same
object as `store.db`: for SQLite a `sqlite_utils.Database`, for PostgreSQL a `PgDatabase` with the
same small surface (execute, execute_returning_dicts, atomic, conn.executemany, db["table"].insert
/get/update/rows/create/create_index). The SQL the modules and the migrations write is SQLite's;
`to_postgres` translates what differs, statement by statement:

| SQLite                                   | PostgreSQL                                              |
|------------------------------------------|---------------------------------------------------------|
| `?` placeholders                         | `%s`                                                    |
| `INTEGER PRIMARY KEY` (rowid alias)      | `BIGSERIAL PRIMARY KEY`; INTEGER → BIGINT, BLOB → BYTEA |
| `INSERT OR IGNORE` / `INSERT OR REPLACE` | `ON CONFLICT DO NOTHING` / `ON CONFLICT (pk) DO UPDATE` |
| `json_each(x)`, `json_each(x, '$.k')`    | `json_array_elements_text(x::json [-> 'k']) AS j(value)`|
| `json_group_array(x)`                    | `json_agg(x)::text`                                     |
| FTS5 `search_index` + sync triggers      | a generated `tsvector` column `articles.search_vector`  |
|                                          | (title terms weighted A) + GIN index                    |
| FTS5 `search_titles` (titles alone)      | the same column, terms of weight A (`'w':A`)            |
| `… search_index MATCH ?` (search_sql)    | `articles.search_vector @@ to_tsquery('simple', ?)`     |
| `search_index(search_index) 'rebuild'`   | `REINDEX INDEX idx_articles_search` (after a bulk copy) |
| m102's FTS5 `articles_fts`, dropped again| `articles.fts`, `idx_articles_fts`, dropped by m816     |
| `RAISE(ABORT, msg)` triggers             | a PL/pgSQL trigger function that raises                 |
| `BEGIN IMMEDIATE` (take the write lock)  | `BEGIN` + `pg_advisory_xact_lock`: writers serialize    |
| WAL, `busy_timeout`, other PRAGMAs       | nothing (MVCC; `lock_timeout` plays busy_timeout's part)|
| one connection, kept by its thread       | a pool shared by threads, drained and re-filled after a |
|                                          | server restart; reads retried (PgDatabase)              |
| a claim under `BEGIN IMMEDIATE`          | `FOR UPDATE SKIP LOCKED` (`for_update_skip_locked`)     |
"""
from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterable

WRITE_LOCK_KEY = 7_402_215   # pg_advisory_xact_lock key: one write transaction at a time, like SQLite


def is_postgres_url(target) -> bool:
    return bool(re.match(r"^postgres(ql)?:/", str(target)))


def postgres_conninfo(target) -> str:
    """`postgresql://user@host:port/db`, also after pathlib squeezed `//` into `/`."""
    return re.sub(r"^postgres(ql)?:/+", "postgresql://", str(target))


def sqlite_path(target) -> str:
    """A plain path, or `sqlite:///abs/path.db` (what follows `sqlite://`), also pathlib-squeezed."""
    text = str(target)
    return re.sub(r"^sqlite:/*", "/", text) if text.startswith("sqlite:/") else text


# The full-text indexes, per FTS5 table: PostgreSQL's generated column, what it holds, its GIN index.
# articles_fts (m102, word beginnings) is only created to be dropped again by m816. search_titles has
# no column of its own: PostgreSQL finds title matches in search_vector by their weight, A.
FULL_TEXT = {
    "articles_fts": ("fts", "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))",
                     "idx_articles_fts"),
    "search_index": ("search_vector", "setweight(to_tsvector('simple', coalesce(search_title, '')), 'A') || "
                     "to_tsvector('simple', coalesce(search_body, ''))", "idx_articles_search"),
    "search_titles": None,
}


def search_query(dialect: str, groups: list[tuple[str, ...]], titles: bool = False) -> str:
    """The search as the index's query language: every group (search_terms.query_groups) must match,
    any of its terms may; terms are letters and digits only, so they need no escaping."""
    if dialect == "postgresql":
        weight = ":A" if titles else ""
        return " & ".join("(" + " | ".join(f"{term}{weight}" for term in group) + ")" for group in groups)
    return " AND ".join("(" + " OR ".join(f'"{term}"' for term in group) + ")" for group in groups)


def search_sql(dialect: str, shape: str, titles: bool = False) -> str:
    """SQL with one parameter, search_query(…): the matching articles (title matches only if `titles`) as

    - "in": a condition on `r.article_id`; the matches drive the query (few matches);
    - "walk": the same, but SQLite may not drive from the matches: it collects them once and walks
      the queue's priority index (thousands of matches: a page is found long before the index ends);
    - "probe": the same condition checked row by row during that walk (most articles match: cheaper
      than collecting them);
    - "rows": a subquery of `article_id`s, to join from (an early-stopping count);
    - "nth": the id of the n-th match in id order (second parameter: n - 1), SQLite only: how
      densely the first matches lie says how many there are (queue_view.search_condition)."""
    if dialect == "postgresql":
        match = "search_vector @@ to_tsquery('simple', ?)"
        return {"in": f"r.article_id IN (SELECT id FROM articles WHERE {match})",
                "walk": f"r.article_id IN (SELECT id FROM articles WHERE {match})",   # its planner chooses
                "probe": f"EXISTS (SELECT 1 FROM articles s WHERE s.id = r.article_id AND s.{match})",
                "rows": f"(SELECT id AS article_id FROM articles WHERE {match})"}[shape]
    index = "search_titles" if titles else "search_index"
    match = f"{index} MATCH ?"
    return {"in": f"r.article_id IN (SELECT rowid FROM {index} WHERE {match})",
            "walk": f"+r.article_id IN (SELECT rowid FROM {index} WHERE {match})",   # +: no index on it
            "probe": f"EXISTS (SELECT 1 FROM {index} WHERE {match} AND rowid = r.article_id)",
            "rows": f"(SELECT rowid AS article_id FROM {index} WHERE {match})",
            "nth": f"SELECT rowid FROM {index} WHERE {match} ORDER BY rowid LIMIT 1 OFFSET ?"}[shape]


def for_update_skip_locked(db) -> str:
    """The end of a claiming subquery: PostgreSQL locks the rows it picks and skips rows another
    transaction holds; SQLite has no row locks (its claimers hold the write lock instead)."""
    return " FOR UPDATE SKIP LOCKED" if getattr(db, "dialect", "sqlite") == "postgresql" else ""


# -- SQL translation -----------------------------------------------------------------------------
_KEYWORDS = {"where", "on", "join", "left", "inner", "cross", "group", "order", "limit", "and", "or", "union"}


def _placeholders(sql: str) -> str:
    """`?` → `%s` and `%` → `%%`, outside string literals."""
    out, quote = [], None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def _json_each(match: re.Match) -> str:
    expr, key, alias = match.group(1).strip(), match.group(2), match.group(4)
    source = f"({expr})::json" + (f" -> '{key}'" if key else "")
    tail = ""
    if alias and alias.lower() in _KEYWORDS:
        tail, alias = f" {match.group(4)}", None
    return f"json_array_elements_text({source}) AS {alias or 'je'}(value){tail}"


def _ddl(sql: str) -> str:
    sql = re.sub(r"\bINTEGER\s+PRIMARY\s+KEY\b", "BIGSERIAL PRIMARY KEY", sql, flags=re.I)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql, flags=re.I)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql, flags=re.I)
    sql = re.sub(r"\b(REAL|FLOAT)\b", "DOUBLE PRECISION", sql, flags=re.I)
    return sql


def to_postgres(sql: str, primary_keys=lambda table: ["id"]) -> list[str]:
    """One SQLite statement → the PostgreSQL statements that do the same (none: nothing to do)."""
    stripped = sql.strip().rstrip(";")
    head = stripped[:80].upper()
    names = "|".join(FULL_TEXT)
    command = re.match(rf"INSERT\s+INTO\s+({names})\s*\(\s*\1\s*\)\s*VALUES\s*\(\s*'(\w+)'\s*\)$", stripped, re.I)
    if command:   # the column is always current; 'rebuild' rebuilds its index compactly, others have no use
        index = FULL_TEXT[command.group(1)]
        return [f"REINDEX INDEX {index[2]}"] if index and command.group(2) == "rebuild" else []
    if head.startswith("PRAGMA") or re.match(rf"INSERT\s+INTO\s+({names})\b", stripped, re.I):
        return []
    if re.match(rf"DROP\s+TRIGGER\s+IF\s+EXISTS\s+({names})_\w+$", stripped, re.I):
        return []     # full-text sync triggers exist only in SQLite
    virtual = re.match(rf"(CREATE\s+VIRTUAL|DROP)\s+TABLE\s+(?:IF\s+EXISTS\s+)?({names})\b", stripped, re.I)
    if virtual:
        if not FULL_TEXT[virtual.group(2)]:
            return []
        column, vector, index = FULL_TEXT[virtual.group(2)]
        if virtual.group(1).upper() == "DROP":
            return [f"DROP INDEX IF EXISTS {index}", f"ALTER TABLE articles DROP COLUMN IF EXISTS {column}"]
        return [f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {column} tsvector GENERATED ALWAYS AS ({vector}) STORED",
                f"CREATE INDEX IF NOT EXISTS {index} ON articles USING gin ({column})"]
    trigger = re.match(r"CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(BEFORE|AFTER)\s+(.+?)\s+ON\s+(\w+)\s+"
                       r"(?:FOR\s+EACH\s+ROW\s+)?BEGIN\s+(.*)\s+END$", stripped, re.I | re.S)
    if trigger:
        name, when, event, table, body = trigger.groups()
        if re.search(rf"\b({names})\b", body):
            return []    # the generated tsvector column keeps itself in sync
        abort = re.search(r"RAISE\s*\(\s*(?:ABORT|FAIL|ROLLBACK)\s*,\s*'([^']*)'\s*\)", body, re.I)
        if not abort:
            raise NotImplementedError(f"trigger {name}: only RAISE(ABORT, …) triggers translate to PostgreSQL")
        return [f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{abort.group(1)}'; END $$",
                f"CREATE TRIGGER {name} {when} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()"]
    if re.match(r"(CREATE\s+TABLE|ALTER\s+TABLE)", stripped, re.I):
        stripped = _ddl(stripped)
    stripped = re.sub(r"(?<!CROSS )(?<!LEFT )\bJOIN\s+json_each\(", "CROSS JOIN json_each(", stripped, flags=re.I)
    stripped = re.sub(r"json_each\(([^(),]+)(?:,\s*'\$\.(\w+)')?\)(\s+(?:AS\s+)?(\w+))?", _json_each, stripped,
                      flags=re.I)
    if re.search(r"FROM\s*\(\s*SELECT", stripped, re.I) and re.search(r"\)\s*$", stripped):
        stripped += " AS sub"      # PostgreSQL 15 wants a name for a subquery in FROM
    stripped = re.sub(r"json_group_array\(([^()]*)\)", r"json_agg(\1)::text", stripped, flags=re.I)
    ignore = re.match(r"INSERT\s+OR\s+IGNORE\s+INTO", stripped, re.I)
    replace = re.match(r"INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", stripped, re.I)
    if ignore:
        stripped = "INSERT INTO" + stripped[ignore.end():] + " ON CONFLICT DO NOTHING"
    elif replace:
        table, columns = replace.group(1), [c.strip() for c in replace.group(2).split(",")]
        keys = primary_keys(table)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
        stripped = ("INSERT INTO" + stripped[re.match(r"INSERT\s+OR\s+REPLACE\s+INTO", stripped, re.I).end():]
                    + f" ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"))
    return [_placeholders(stripped)]


# -- a sqlite_utils-shaped facade over psycopg ----------------------------------------------------------
class _Result:
    """What `execute` returns: fetchone/fetchall/iteration, rowcount, lastrowid (None)."""

    def __init__(self, rows=None, rowcount=-1, description=None):
        self._rows, self.rowcount, self.description, self.lastrowid = list(rows or []), rowcount, description, None

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class _Conn:
    """`db.conn` as the modules use it: in_transaction, execute, executemany, commit, rollback."""

    def __init__(self, db: "PgDatabase"):
        self.db = db

    @property
    def in_transaction(self) -> bool:
        return self.db._held() is not None

    def execute(self, sql: str, params: Iterable | None = None):
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Iterable]):
        return self.db.executemany(sql, rows)

    def commit(self):
        self.db._finish("COMMIT")

    def rollback(self):
        self.db._finish("ROLLBACK")


class PgTable:
    TYPES = {int: "BIGINT", str: "TEXT", float: "DOUBLE PRECISION", bytes: "BYTEA", bool: "BIGINT"}

    def __init__(self, db: "PgDatabase", name: str):
        self.db, self.name = db, name
        self.last_pk = None

    def exists(self) -> bool:
        return self.db._pg("SELECT to_regclass(%s)", [self.name]).fetchone()[0] is not None

    @property
    def rows(self):
        return iter(self.db.execute_returning_dicts(f"SELECT * FROM {self.name}"))

    def create(self, columns: dict, pk: str | None = None, not_null: Iterable[str] = (), foreign_keys=(),
               defaults: dict | None = None, **_ignored) -> "PgTable":
        parts = []
        for column, kind in columns.items():
            sql_type = "BIGSERIAL" if column == pk and kind is int else self.TYPES.get(kind, "TEXT")
            part = f"{column} {sql_type}"
            if column == pk:
                part += " PRIMARY KEY"
            if column in set(not_null):
                part += " NOT NULL"
            if defaults and column in defaults:
                part += f" DEFAULT {_literal(defaults[column])}"
            parts.append(part)
        for column, other, other_column in foreign_keys:
            parts.append(f"FOREIGN KEY ({column}) REFERENCES {other}({other_column})")
        self.db._pg(f"CREATE TABLE {self.name} ({', '.join(parts)})")
        return self

    def create_index(self, columns: list[str], index_name: str | None = None, unique: bool = False, **_ignored):
        name = index_name or f"idx_{self.name}_{'_'.join(columns)}"
        self.db._pg(f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {self.name} ({', '.join(columns)})")
        return self

    def insert(self, record: dict, **_ignored) -> "PgTable":
        columns = list(record)
        keys = self.db.primary_keys(self.name)
        returning = f" RETURNING {keys[0]}" if keys else ""
        row = self.db._pg(
            f"INSERT INTO {self.name} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}){returning}",
            [record[c] for c in columns]).fetchone() if columns else None
        self.last_pk = row[0] if row else None
        if keys and keys[0] in record:
            self.db.sync_sequence(self.name, keys[0])
        return self

    def get(self, pk):
        key = self.db.primary_keys(self.name)[0]
        rows = self.db.execute_returning_dicts(f"SELECT * FROM {self.name} WHERE {key} = ?", [pk])
        if not rows:
            import sqlite_utils.db
            raise sqlite_utils.db.NotFoundError(f"{self.name}: no row with {key} = {pk!r}")
        return rows[0]

    def update(self, pk, updates: dict, **_ignored) -> "PgTable":
        key = self.db.primary_keys(self.name)[0]
        sets = ", ".join(f"{c} = ?" for c in updates)
        self.db.execute(f"UPDATE {self.name} SET {sets} WHERE {key} = ?", [*updates.values(), pk])
        return self


def _literal(value) -> str:
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# -- connections: pooled, and re-opened after the server went away ---------------------------------
POOL_SIZE = 10               # connections per process (per Store); PostgreSQL's default allows 100
RECONNECT_TIMEOUT = 2.0      # the pool retries a lost connection after 1 s, gives up after 2 and the next
                             # request starts over at once: a server back after an outage of any length is
                             # found within about a second (the pool's own backoff would grow to minutes)
RETRIES = 2                  # a read (or a BEGIN) on a connection found dead is tried again this often
RETRY_PAUSE = 0.2            # seconds, times the attempt number
_BEGIN = re.compile(r"\s*BEGIN(?:\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?\s*;?\s*$", re.I)
_END = re.compile(r"\s*(COMMIT|END|ROLLBACK)(?:\s+TRANSACTION)?\s*;?\s*$", re.I)
_READ = re.compile(r"\s*(SELECT|SHOW|EXPLAIN|VALUES)\b", re.I)
_OUTSIDE_TRANSACTION = re.compile(r"\s*(VACUUM|CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b.*\bCONCURRENTLY)",
                                  re.I | re.S)


def _is_read(sql: str) -> bool:
    """Statements that change nothing, so that running one twice is harmless (SELECT … FOR UPDATE
    aside, which only takes locks and is not used outside transactions)."""
    return bool(_READ.match(sql))


class PgDatabase:
    """The PostgreSQL side of `store.db` (see the module docstring), safe to share between threads.

    Connections come from a pool (psycopg_pool): outside a transaction each statement borrows
    one and gives it back at once, as sqlite_utils autocommits; a transaction (BEGIN … COMMIT,
    `atomic`) keeps its connection, per thread, until it ends. After a server restart every
    pooled connection is dead, and PostgreSQL says so only when one is used: the first failure
    drains the pool, a read or a BEGIN is tried again on a fresh connection (nothing was written
    yet), and a write outside a transaction runs as its own transaction so that a dead connection
    shows at its BEGIN, before anything is sent. While the server is down, asking for a connection
    fails after `wait` seconds with psycopg_pool.PoolTimeout, a psycopg.OperationalError like any
    other lost connection (storage_errors(), database_unavailable())."""

    dialect = "postgresql"

    def __init__(self, conninfo: str, lock_timeout: float = 10.0, wait: float = 10.0):
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise RuntimeError("a postgresql:// database needs psycopg and psycopg_pool: "
                               "pip install -e '.[scale]'") from None
        self._psycopg = psycopg
        # One plain connection first: a wrong URL or password fails here with psycopg's own
        # message, not as a pool timeout.
        psycopg.connect(conninfo, connect_timeout=max(2, int(wait))).close()

        def configure(conn):
            conn.execute(f"SET lock_timeout = '{int(lock_timeout * 1000)}ms'")

        self._pool = ConnectionPool(conninfo, min_size=1, max_size=POOL_SIZE, timeout=wait,
                                    reconnect_timeout=RECONNECT_TIMEOUT, num_workers=1, configure=configure,
                                    kwargs={"autocommit": True, "connect_timeout": max(2, int(wait))},
                                    name="sozwatch", open=True)
        self._local = threading.local()
        self.conn = _Conn(self)
        self._pks: dict[str, list[str]] = {}
        self._sequences: dict[tuple[str, str], str | None] = {}

    def __getitem__(self, table: str) -> PgTable:
        return PgTable(self, table)

    def close(self) -> None:
        held = self._held()
        if held is not None:
            self._local.conn = None
            self._pool.putconn(held)
        self._pool.close()

    # -- borrowing connections ----------------------------------------------------------------
    def _held(self):
        """This thread's connection while it is inside a transaction, else None."""
        return getattr(self._local, "conn", None)

    def _lost(self, conn, exc: BaseException) -> bool:
        """Whether `exc` means the connection is gone (server restarted, network cut), not that the
        statement failed; then every pooled connection to that server is presumed dead too."""
        if not (isinstance(exc, self._psycopg.OperationalError) and conn.broken):
            return False
        self._pool.drain()
        return True

    def _give_back(self, conn) -> None:
        from psycopg.pq import TransactionStatus
        if conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
            try:
                conn.execute("ROLLBACK")   # a write that failed half-way; the pool would warn about it
            except self._psycopg.OperationalError:
                pass                       # lost meanwhile: the pool replaces a broken connection
        self._pool.putconn(conn)

    def _borrow(self, work, read: bool, transactional: bool = True):
        """`work(connection)` on this thread's transaction, or on a pooled connection (class docstring)."""
        held = self._held()
        if held is not None:
            try:
                return work(held)
            except BaseException as exc:
                if self._lost(held, exc):
                    self._local.conn = None     # the transaction is gone with its connection
                    self._pool.putconn(held)
                raise
        wrap = not read and transactional
        for attempt in range(RETRIES + 1):
            conn, sent = self._pool.getconn(), False
            try:
                if wrap:
                    conn.execute("BEGIN")
                sent = True
                result = work(conn)
                if wrap:
                    conn.execute("COMMIT")
                return result
            except BaseException as exc:
                harmless = read or not sent    # so far, nothing that could have been written
                if not self._lost(conn, exc) or not harmless or attempt == RETRIES:
                    raise
                time.sleep(RETRY_PAUSE * (attempt + 1))
            finally:
                self._give_back(conn)

    def _begin(self, lock: bool) -> None:
        """Start this thread's transaction on a pooled connection; with `lock`, take the write lock."""
        def start(conn):
            conn.execute("BEGIN")
            if lock:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])

        for attempt in range(RETRIES + 1):
            conn = self._pool.getconn()
            try:
                start(conn)
            except BaseException as exc:
                lost = self._lost(conn, exc)
                self._give_back(conn)
                if not lost or attempt == RETRIES:
                    raise
                time.sleep(RETRY_PAUSE * (attempt + 1))
            else:
                self._local.conn = conn
                return

    def _finish(self, command: str) -> None:
        """COMMIT or ROLLBACK this thread's transaction and give its connection back (none: nothing to do)."""
        held = self._held()
        if held is None:
            return
        self._local.conn = None
        try:
            held.execute("ROLLBACK" if command.upper() == "ROLLBACK" else "COMMIT")
        except BaseException as exc:
            self._lost(held, exc)
            raise
        finally:
            self._give_back(held)

    def _pg(self, sql: str, params: Iterable | None = None) -> _Result:
        """One statement already in PostgreSQL's SQL."""
        def work(conn):
            cursor = conn.execute(sql, params)
            return _Result(cursor.fetchall() if cursor.description else [], cursor.rowcount, cursor.description)
        return self._borrow(work, read=_is_read(sql), transactional=not _OUTSIDE_TRANSACTION.match(sql))

    # -- schema lookups -------------------------------------------------------------------------
    def primary_keys(self, table: str, conn=None) -> list[str]:
        if table not in self._pks:
            sql = ("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                   "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary")
            rows = conn.execute(sql, [table]).fetchall() if conn is not None else self._pg(sql, [table]).fetchall()
            self._pks[table] = [r[0] for r in rows]
        return self._pks[table]

    def sync_sequence(self, table: str, column: str, conn=None) -> None:
        """Rows inserted with explicit ids (bulk loads) must not collide with the next serial id."""
        run = (lambda sql, params: conn.execute(sql, params)) if conn is not None else self._pg
        key = (table, column)
        if key not in self._sequences:
            self._sequences[key] = run("SELECT pg_get_serial_sequence(%s, %s)", [table, column]).fetchone()[0]
        if self._sequences[key]:   # next id max + 1; 1 in an empty table (is_called false)
            run(f"SELECT setval(%s, COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {table}",
                [self._sequences[key]])

    # -- the sqlite_utils surface ------------------------------------------------------------------
    def _run(self, sql: str, params, many: bool = False):
        begin = _BEGIN.match(sql)
        if begin:
            self._begin(lock=(begin.group(1) or "").upper() in ("IMMEDIATE", "EXCLUSIVE"))
            return _Result()
        end = _END.match(sql)
        if end:
            self._finish(end.group(1))
            return _Result()

        def work(conn):
            statements = to_postgres(sql, lambda table: self.primary_keys(table, conn))
            result = _Result()
            for statement in statements:
                cursor = conn.cursor()
                insert = re.match(r"\s*INSERT\s+INTO\s+(\w+)", statement, re.I)
                wants_id = bool(insert and not many and "RETURNING" not in statement.upper()
                                and self.primary_keys(insert.group(1), conn) == ["id"])
                if wants_id:   # cursor.lastrowid, as SQLite gives it
                    statement += " RETURNING id"
                if many:
                    cursor.executemany(statement, [list(p) for p in params])
                else:
                    cursor.execute(statement, list(params) if params is not None and statement.count("%s") else None)
                rows = cursor.fetchall() if cursor.description else []
                result = _Result([] if wants_id else rows, cursor.rowcount, None if wants_id else cursor.description)
                if wants_id:
                    result.lastrowid = rows[0][0] if rows else None
                explicit_id = re.match(r"\s*INSERT\s+INTO\s+(\w+)\s*\(\s*id\s*,", statement, re.I)
                if explicit_id:
                    self.sync_sequence(explicit_id.group(1), "id", conn)
            return result

        result = self._borrow(work, read=not many and _is_read(sql), transactional=not _OUTSIDE_TRANSACTION.match(sql))
        if re.match(r"\s*(CREATE|ALTER|DROP)\b", sql, re.I):
            self._pks.clear()
            self._sequences.clear()
        return result

    def execute(self, sql: str, params: Iterable | None = None):
        return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Iterable]):
        rows = list(rows)
        return self._run(sql, rows, many=True) if rows else _Result(rowcount=0)

    def execute_returning_dicts(self, sql: str, params: Iterable | None = None) -> list[dict]:
        result = self._run(sql, params)
        names = [c.name for c in result.description or []]
        return [dict(zip(names, row)) for row in result.fetchall()]

    @contextmanager
    def atomic(self):
        held = self._held()
        if held is not None:
            name = f"sp_{id(object())}"
            self._pg(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self._held() is held:      # not when the connection (and the transaction) was lost
                    self._pg(f"ROLLBACK TO SAVEPOINT {name}")
                    self._pg(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self._pg(f"RELEASE SAVEPOINT {name}")
        else:
            self._begin(lock=False)
            try:
                yield self
            except BaseException:
                self._finish("ROLLBACK")
                raise
            self._finish("COMMIT")

    def enable_wal(self) -> None:   # PostgreSQL needs no journal mode
        pass

    def table_names(self) -> list[str]:
        return [r[0] for r in self._pg(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1").fetchall()]


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a refused write raises on either backend (disk full, locked, connection lost; for
    PostgreSQL also psycopg_pool.PoolTimeout, no connection within the wait, a subclass)."""
    import sqlite3
    errors: list[type[BaseException]] = [sqlite3.OperationalError]
    try:
        import psycopg
        errors.append(psycopg.OperationalError)
    except ImportError:
        pass
    return tuple(errors)


_SQLITE_TRANSIENT = ("locked", "busy", "disk i/o error", "unable to open")


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot answer now (server down or restarting, no connection
    free, locked too long, I/O error) rather than that a statement is wrong: worth a 503 and a retry."""
    import sqlite3
    if isinstance(exc, sqlite3.OperationalError):
        return any(word in str(exc).lower() for word in _SQLITE_TRANSIENT)
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.OperationalError)
