"""Storage: A write transaction that takes SQLite's write lock up front.

Read-then-write under a deferred transaction can fail with SQLITE_BUSY when another
connection (a second app process, the crawler) writes in between; BEGIN IMMEDIATE
makes the read and the write one serialized step, which is what the item version
check relies on.
"""
from __future__ import annotations

from contextlib import contextmanager

import sqlite_utils


@contextmanager
def write_transaction(db: sqlite_utils.Database):
    conn = db.conn
    if conn.in_transaction:   # already inside one: nest as a savepoint
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
