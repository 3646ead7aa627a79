"""The `sozwatch` command. Each subcommand is a thin shell over a Python function."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from classifiers.dataset import DataError
from classifiers.registry import ModelError, Registry
from crawler.sources import SourcesError
from review_queue.storage.store import STATUSES, STORAGE_ERRORS, Store

from .config import Config

USER_ERRORS = (SourcesError, DataError, ModelError, FileNotFoundError)


class SozwatchError(click.ClickException):
    exit_code = 1


@click.group()
@click.option("--db", type=click.Path(dir_okay=False),
              help="SQLite database path, or a postgresql://user@host:port/db URL (default: $SOZWATCH_DB or ./sozwatch.db).")
@click.option("--models-dir", type=click.Path(file_okay=False), help="Model registry directory.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="sozwatch")
@click.pass_context
def cli(ctx, db, models_dir, log_level, debug):
    """Press-freedom monitoring for Kazakhstan: crawl, classify, review, report."""
    config = Config.from_env().with_flags(db=db, models_dir=models_dir, log_level=log_level and log_level.upper())
    ctx.obj = config
    ctx.meta["debug"] = debug
    logging.basicConfig(level=config.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _db_option(f):
    return click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite file or postgresql:// URL.")(f)


def _config(ctx, **flags) -> Config:
    return ctx.obj.with_flags(**flags)


# -- crawl ----------------------------------------------------------------
def _scrapy_setting(ctx, param, values):
    overrides = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        overrides[name] = raw
    return overrides


@cli.command()
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources YAML (default: the shipped crawler/sources.yaml).")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help="Skip anything older: a date (2024-11-01) or an age (7d, 12h).")
@click.option("--no-classify", is_flag=True, help="Store articles without classifying them (backfills, tests).")
@click.option("-s", "--setting", "settings", multiple=True, callback=_scrapy_setting,
              help="A Scrapy setting, NAME=VALUE (e.g. -s DOWNLOAD_DELAY=2).")
@click.option("--workers", metavar="redis://HOST:PORT/N",
              help="Be one of several crawl workers sharing a frontier in this Redis (docs/operations.md).")
@click.option("--crawl-id", help="With --workers: the round this worker joins (default: the current UTC hour).")
@_db_option
@click.pass_context
def crawl(ctx, sources, names, since, no_classify, settings, workers, crawl_id, db_flag):
    """Crawl the sources' feeds, sitemaps, listings, Telegram channels and court portals;
    queue the candidates. Progress on a terminal; quiet (warnings only) under cron."""
    import os

    from .crawl import parse_since, run_crawl
    config = _config(ctx, sources=sources, db=db_flag)
    # under cron (no terminal) Scrapy's own chatter is dropped unless a level was asked for
    quiet = not (ctx.parent.params.get("log_level") or os.environ.get("SOZWATCH_LOG_LEVEL") or sys.stderr.isatty())
    try:
        since_iso = parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    from crawler.distributed import WorkersError
    try:
        result = run_crawl(config, names=list(names) or None, since=since_iso, classify=not no_classify,
                           quiet=quiet, workers=workers, crawl_id=crawl_id, **settings)
    except WorkersError as exc:
        raise click.BadParameter(str(exc).removeprefix("--workers: "), param_hint="--workers") from None
    notices = f"; {result.court_notices} court notices" if result.court_notices else ""
    click.echo(f"fetched {result.pages_fetched} pages; stored {result.articles_stored} new articles{notices}; "
               f"{result.candidates} queued for review; {result.errors} errors; database {config.db}")
    if result.skipped_locked:
        click.echo(f"skipped (already being crawled): {', '.join(result.skipped_locked)}", err=True)
    if "storage_error" in result.finish_reason:
        raise SozwatchError(f"the crawl stopped: cannot write to the database {config.db} (see the log above); "
                            "what was stored is intact, run the crawl again once the cause is fixed")


# -- queue ----------------------------------------------------------------
@cli.group()
def queue():
    """Look at the review queue."""


@queue.command("list")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), default="pending", show_default=True)
@click.option("--category", help="Only items predicted with this taxonomy code.")
@click.option("--lang", type=click.Choice(["kk", "ru", "en", "other"]))
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
@click.pass_context
def queue_list(ctx, status, category, lang, limit, as_json, db_flag):
    """List queue items, highest priority first."""
    from classifiers.taxonomy import load_taxonomy
    if category and category not in load_taxonomy().categories:
        raise click.BadParameter(f"unknown category {category!r}", param_hint="--category")
    config = _config(ctx, db=db_flag)
    _require_db(config.db)
    rows = Store(config.db).list_items(status=None if status == "all" else status, category=category,
                                       lang=lang, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['id']:>6}  {row['status']:<9} {row['relevance']:.2f}  {row['lang'] or '?':<5} "
                       f"{','.join(row['categories']):<32} {row['title'][:70]}")
    if not as_json:
        click.echo(f"{len(rows)} item(s)", err=True)


def db_exists(path: Path) -> bool:
    """A PostgreSQL URL is taken as existing (the server says otherwise); a SQLite file must be there."""
    from review_queue.storage.dialect import is_postgres_url
    return is_postgres_url(path) or Path(path).exists()


def _require_db(path: Path) -> None:
    if not db_exists(path):
        raise SozwatchError(f"database not found: {path} (run `sozwatch crawl` or `sozwatch demo` first)")


# -- demo -------------------------------------------------------------------
@cli.command()
@_db_option
@click.pass_context
def demo(ctx, db_flag):
    """Serve the bundled demo sites on 127.0.0.1, crawl them, and summarise the queue."""
    from .demo import run_demo
    config = ctx.obj
    if db_flag:
        config = config.with_flags(db=db_flag)
    elif config.db == Config().db:
        config = config.with_flags(db="sozwatch-demo.db")  # keep the demo apart from real data
    click.echo(run_demo(config))


from .cli_sources import register_crawl_commands  # noqa: E402 - `sources …` and `schedule`

register_crawl_commands(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors become one line on stderr and an exit code (contracts.md)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        rc = cli.main(args=argv, prog_name="sozwatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("sozwatch: aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        click.echo(f"sozwatch: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"sozwatch: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except USER_ERRORS as exc:
        if debug:
            raise
        click.echo(f"sozwatch: {exc}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except STORAGE_ERRORS as exc:   # disk full, locked by another process too long, I/O error
        if debug:
            raise
        click.echo(f"sozwatch: database error: {exc} (nothing was half-written; retry when the cause is fixed)",
                   err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if debug:
            raise
        click.echo(f"sozwatch: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True)
        sys.exit(1)
    sys.exit(rc if isinstance(rc, int) else 0)


# Under `python -m sozwatch.cli` this file runs as __main__: let cli_review register on this module, not a copy.
sys.modules.setdefault("sozwatch.cli", sys.modules[__name__])
from . import cli_review  # noqa: E402,F401  registers serve, users, export and queue history

from . import cli_learn  # noqa: E402,F401  registers report, reclassify, stats agreement and alerts test

from . import cli_db  # noqa: E402,F401  registers db copy

from .cli_models import register_model_commands  # noqa: E402 - `train`, `eval`, `models …`

register_model_commands(cli, SozwatchError)

if __name__ == "__main__":
    main()
