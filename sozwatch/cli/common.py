"""The command line: what every command module shares (errors, the --db option, opening the queue)."""
from __future__ import annotations

from pathlib import Path

import click

from review_queue.storage.dialect import is_postgres_url

from ..config import Config


class SozwatchError(click.ClickException):
    """The command ran and found a problem (contracts.md: exit 1)."""
    exit_code = 1


def db_option(f):
    return click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite file or postgresql:// URL.")(f)


def config_for(ctx, **flags) -> Config:
    """The group's configuration with this command's flags on top."""
    return ctx.obj.with_flags(**flags)


def db_exists(path: Path) -> bool:
    """A PostgreSQL URL is taken as existing (the server says otherwise); a SQLite file must be there."""
    return is_postgres_url(path) or Path(path).exists()


def require_db(path: Path) -> None:
    if not db_exists(path):
        raise SozwatchError(f"database not found: {path} (check the path; `sozwatch init`, `sozwatch crawl` "
                            "or `sozwatch demo` creates one)")


def open_store(ctx, db_flag, create: bool = False):
    """The queue database named by --db (or the configuration); it must exist unless `create`
    (a mistyped path must not silently become a new, empty queue)."""
    from review_queue.storage.store import Store
    config = config_for(ctx, db=db_flag)
    if not create:
        require_db(config.db)
    OPENED.append(config.db)
    return Store(config.db)


# The databases this command opened, so that `main` can name the file when SQLite finds it damaged.
OPENED: list[Path] = []


def decisions_store(ctx, db_flag):
    """The review queue whose decisions `train` adds, or None when there is no database yet."""
    from review_queue.storage.store import Store
    db = config_for(ctx, db=db_flag).db
    return Store(db) if db_exists(db) else None
