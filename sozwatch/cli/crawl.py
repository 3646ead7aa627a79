"""The command line: `sozwatch crawl` and `sozwatch demo`, thin shells over sozwatch/crawl.py and sozwatch/demo.py."""
from __future__ import annotations

import sys

import click

from ..config import Config
from .common import SozwatchError, config_for, db_option


# -- crawl ----------------------------------------------------------------
_KINDS = {bool: "true or false", int: "a whole number", float: "a number"}


def _check_value(name: str, raw: str) -> None:
    """A value the setting's default says it cannot take fails here, in one line, not as a
    traceback from inside the crawl."""
    from scrapy.settings import Settings, default_settings

    from crawler import settings as ours
    default = getattr(ours, name, getattr(default_settings, name, None))
    kind = type(default)
    if kind is int and not name.startswith("SOZWATCH_"):
        kind = float   # Scrapy reads some whole-number defaults as floats (DOWNLOAD_TIMEOUT=2.5 is fine)
    try:
        if kind is bool:
            Settings({name: raw}).getbool(name)
        elif kind in (int, float):
            kind(raw)
    except ValueError:
        raise click.BadParameter(f"{name} takes {_KINDS[kind]}, got {raw!r}", param_hint="-s") from None


def _scrapy_setting(ctx, param, values):
    overrides = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        _check_value(name, raw)
        overrides[name] = raw
    return overrides


@click.command()
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources YAML (default: the shipped crawler/sources.yaml).")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help="Skip anything older: a date (2024-11-01) or an age (7d, 12h).")
@click.option("--no-classify", is_flag=True,
              help="Do not start the classify stage: stored articles stay pending for `sozwatch classify`.")
@click.option("-s", "--setting", "settings", multiple=True, callback=_scrapy_setting,
              help="A Scrapy setting, NAME=VALUE (e.g. -s DOWNLOAD_DELAY=2).")
@click.option("--workers", metavar="redis://HOST:PORT/N",
              help="Be one of several crawl workers sharing a frontier in this Redis (docs/operations.md).")
@click.option("--crawl-id", help="With --workers: the round this worker joins (default: the current UTC hour).")
@db_option
@click.pass_context
def crawl(ctx, sources, names, since, no_classify, settings, workers, crawl_id, db_flag):
    """Crawl the sources' feeds, sitemaps, listings, Telegram channels and court portals; the classify
    stage runs beside the crawl and queues the candidates. Progress on a terminal; quiet (warnings only) under cron."""
    import os

    from ..crawl import parse_since, run_crawl
    config = config_for(ctx, sources=sources, db=db_flag)
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
    skipped = f"skipped (already being crawled): {', '.join(result.skipped_locked)}"
    if result.skipped_locked and not result.pages_fetched and result.finish_reason == "nothing to crawl":
        click.echo(skipped)   # the line the scheduler logs: not "fetched 0 pages", which reads as a dead site
        return
    notices = f"; {result.court_notices} court notices" if result.court_notices else ""
    click.echo(f"fetched {result.pages_fetched} pages; stored {result.articles_stored} new articles{notices}; "
               f"{result.candidates} queued for review; {result.refusals_line()}; {result.errors} errors; "
               f"database {config.db}")
    if result.skipped_locked:
        click.echo(skipped, err=True)
    if "storage_error" in result.finish_reason:
        raise SozwatchError(f"the crawl stopped: cannot write to the database {config.db} (see the log above); "
                            "what was stored is intact, run the crawl again once the cause is fixed")


# -- demo -------------------------------------------------------------------
@click.command()
@db_option
@click.pass_context
def demo(ctx, db_flag):
    """Serve the bundled demo sites on 127.0.0.1, crawl them, and summarise the queue."""
    from ..demo import run_demo
    config = ctx.obj
    if db_flag:
        config = config.with_flags(db=db_flag)
    elif config.db == Config().db:
        config = config.with_flags(db="sozwatch-demo.db")  # keep the demo apart from real data
    click.echo(run_demo(config))
