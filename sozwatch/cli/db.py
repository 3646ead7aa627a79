"""The command line: `sozwatch init` (a new, empty queue database) and `sozwatch db copy SRC DST`, moving the
queue to another database (SQLite → PostgreSQL); thin shells over review_queue.storage."""
from __future__ import annotations

import click

from .common import config_for, db_exists, db_option, open_store, require_db


class TargetRefused(click.ClickException):
    """The target database already holds rows (contracts.md: a usage error, exit 2)."""
    exit_code = 2


@click.group("db")
def db_group():
    """Move the queue database."""


@db_group.command("copy")
@click.argument("src")
@click.argument("dst")
def db_copy(src, dst):
    """Copy the queue database SRC (path or URL) into the new, empty database DST, ids kept;
    e.g. `sozwatch db copy queue.db postgresql://sozwatch@db.internal/sozwatch`."""
    from review_queue.storage.copy_db import TargetNotEmpty, copy_database
    from review_queue.storage.store import Store
    require_db(src)
    source, target = Store(src), Store(dst)
    try:
        copied = copy_database(source, target, progress=lambda table, n: click.echo(f"{table:<16} {n:>9} rows"))
    except TargetNotEmpty as exc:
        raise TargetRefused(str(exc)) from None
    finally:
        source.close()
        target.close()
    click.echo(f"copied {sum(copied.values())} rows in {len(copied)} tables")   # no URL: it may hold a password


@click.command()
@db_option
@click.pass_context
def init(ctx, db_flag):
    """Create the queue database (the other commands refuse a missing one, so a typo is not a new queue)."""
    path = config_for(ctx, db=db_flag).db
    existed = db_exists(path)
    open_store(ctx, db_flag, create=True).close()
    click.echo(f"{'up to date' if existed else 'created'}: {path}")
