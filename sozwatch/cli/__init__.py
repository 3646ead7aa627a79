"""The command line: the `sozwatch` group, built from one module per command family, and `main`.

Each module below defines its commands as thin shells over a Python function; this file only
assembles them (the modules never import this one) and turns errors into one line and an exit code.
"""
from __future__ import annotations

import logging
import sys

import click

from classifiers.dataset import DataError
from classifiers.registry import ModelError
from crawler.sources import SourcesError
from review_queue.storage.dialect import storage_errors

from ..config import Config
from ..classify import ClassifyError
from . import classify, crawl, db, learn, models, queue, review, sources
from .common import OPENED

USER_ERRORS = (SourcesError, DataError, ModelError, FileNotFoundError)


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


for command in (crawl.crawl, crawl.demo, classify.classify, queue.queue, sources.sources_group, sources.schedule,
                review.serve, review.users, review.export_cmd, learn.report, learn.reclassify, learn.stats,
                learn.alerts, db.db_group, db.init, models.eval_, models.train, models.models):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors become one line on stderr and an exit code (contracts.md)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    OPENED.clear()
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
    except ClassifyError as exc:   # a worker process's own error line, passed on with its exit status
        if debug:
            raise
        click.echo(f"sozwatch: {exc}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if debug:
            raise
        if isinstance(exc, storage_errors()):   # disk full, locked by another process too long, I/O error
            click.echo(f"sozwatch: database error: {exc} (nothing was half-written; retry when the cause is fixed)",
                       err=True)
            sys.exit(1)
        from review_queue.storage.store import integrity_check, is_damaged   # only now: the CLI starts fast
        if is_damaged(exc):
            path = OPENED[-1] if OPENED else Config.from_env().db
            click.echo(f"sozwatch: database {path} is damaged ({exc}); PRAGMA integrity_check: {integrity_check(path)}",
                       err=True)
            sys.exit(2)
        click.echo(f"sozwatch: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True)
        sys.exit(1)
    sys.exit(rc if isinstance(rc, int) else 0)
