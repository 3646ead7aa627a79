"""Storage: copy a whole queue database into a new, empty one: SQLite → PostgreSQL (the usual move), or any
Store URL to any other (`sozwatch db copy SRC DST`).

The target is created and migrated by `Store(DST)`; then every table the migrations create is
copied with its ids, parents before children (foreign keys hold on PostgreSQL at every insert),
in batches of BATCH_ROWS rows, one transaction per batch, so memory stays flat on a large queue.
Afterwards PostgreSQL's id sequences continue after the copied ids and the full-text index is
rebuilt. A target that already holds rows is refused: merging two queues is not a copy.
"""
from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Callable

import sqlite_utils

from .migrations import migrate
from .store import Store
from .transactions import write_transaction

BATCH_ROWS = 2000
SKIPPED = {"_migrations"}       # the target's own record, written when Store(DST) migrated it
FTS_REBUILD = [f"INSERT INTO {index}({index}) VALUES ('rebuild')"    # dialect.py translates them
               for index in ("search_index", "search_titles")]


class TargetNotEmpty(ValueError):
    """The target database already holds rows."""


def schema_tables() -> dict[str, tuple[list[str], str]]:
    """{table: (columns, primary key)} for every table the migrations create, parents before children.

    Read from a scratch in-memory database migrated the same way, so both backends agree on the
    list; the full-text index (SQLite's FTS5 tables, PostgreSQL's generated column) is not data."""
    scratch = sqlite_utils.Database(memory=True)
    migrate(scratch)
    virtual = [row[0] for row in scratch.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
    names = [name for name in scratch.table_names()
             if name not in SKIPPED and not any(name == v or name.startswith(f"{v}_") for v in virtual)]
    graph = {name: {fk.other_table for fk in scratch[name].foreign_keys if fk.other_table != name} for name in names}
    tables = {}
    for name in TopologicalSorter(graph).static_order():
        table = scratch[name]
        if len(table.pks) != 1 or table.pks == ["rowid"]:
            raise NotImplementedError(f"{name}: copying needs a single-column primary key to page by")
        tables[name] = (list(table.columns_dict), table.pks[0])
    scratch.close()
    return tables


def rows_in(store: Store, tables) -> dict[str, int]:
    return {name: store.db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in tables}


def _batches(store: Store, table: str, columns: list[str], key: str):
    """The table's rows in primary-key order, BATCH_ROWS at a time (keyset paging: no OFFSET rescans)."""
    select = f"SELECT {', '.join(columns)} FROM {table}"
    at = columns.index(key)
    rows = store.db.execute(f"{select} ORDER BY {key} LIMIT ?", [BATCH_ROWS]).fetchall()
    while rows:
        yield rows
        rows = store.db.execute(f"{select} WHERE {key} > ? ORDER BY {key} LIMIT ?",
                                [rows[-1][at], BATCH_ROWS]).fetchall()


def copy_database(src: Store, dst: Store, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `src` into the empty `dst`, keeping ids; return {table: rows copied}.
    `progress(table, rows)` is called as each table finishes. Raises TargetNotEmpty."""
    tables = schema_tables()
    held = {name: n for name, n in rows_in(dst, tables).items() if n}
    if held:
        named = ", ".join(f"{n} in {name}" for name, n in list(held.items())[:3]) + (", …" if len(held) > 3 else "")
        raise TargetNotEmpty(f"the target already holds rows ({named}); copy into a new, empty database")
    copied = {}
    for name, (columns, key) in tables.items():
        insert = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        copied[name] = 0
        for rows in _batches(src, name, columns, key):
            with write_transaction(dst.db):
                dst.db.conn.executemany(insert, [tuple(row) for row in rows])
            copied[name] += len(rows)
        if dst.dialect == "postgresql":        # the next new row gets max(id) + 1, not 1
            dst.db.sync_sequence(name, key)
        if progress:
            progress(name, copied[name])
    with write_transaction(dst.db):
        for statement in FTS_REBUILD:
            dst.db.execute(statement)
    return copied
