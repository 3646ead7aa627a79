"""The `sozwatch` command. Each subcommand is a thin shell over a Python function."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, DataError, read_examples
from classifiers.registry import ModelError, Registry
from crawler.sources import SourcesError
from review_queue.store import STATUSES, Store

from .config import Config

USER_ERRORS = (SourcesError, DataError, ModelError, FileNotFoundError)


class SozwatchError(click.ClickException):
    exit_code = 1


@click.group()
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite database (default: $SOZWATCH_DB or ./sozwatch.db).")
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
    return click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite database.")(f)


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
@_db_option
@click.pass_context
def crawl(ctx, sources, names, since, no_classify, settings, db_flag):
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
    result = run_crawl(config, names=list(names) or None, since=since_iso, classify=not no_classify,
                       quiet=quiet, **settings)
    notices = f"; {result.court_notices} court notices" if result.court_notices else ""
    click.echo(f"fetched {result.pages_fetched} pages; stored {result.articles_stored} new articles{notices}; "
               f"{result.candidates} queued for review; {result.errors} errors; database {config.db}")
    if result.skipped_locked:
        click.echo(f"skipped (already being crawled): {', '.join(result.skipped_locked)}", err=True)


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


def _require_db(path: Path) -> None:
    if not Path(path).exists():
        raise SozwatchError(f"database not found: {path} (run `sozwatch crawl` or `sozwatch demo` first)")


# -- eval, train, models ---------------------------------------------------
@cli.command("eval")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), default=str(HELDOUT_PATH), show_default=True,
              help="JSON Lines with text, labels and optional lang.")
@click.option("--model", "version", help="Model version (default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (see contracts.md).")
@click.pass_context
def eval_(ctx, data_path, version, as_json):
    """Score a model on labeled data."""
    from classifiers.evaluation import evaluate
    from classifiers.taxonomy import load_taxonomy
    examples = read_examples(data_path)
    loaded = Registry(ctx.obj.models_dir).load(version)
    report = evaluate(loaded.model.predict, examples, load_taxonomy().codes, loaded.version, detail=not as_json)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        from .reports import format_eval
        click.echo(format_eval(report))


@cli.command()
@click.option("--no-embeddings", is_flag=True, help="Train the TF-IDF-only model (the fallback).")
@click.option("--promote", "promote_as", type=click.Choice(["active", "fallback"]), help="Promote the new version.")
@click.option("--with-decisions/--no-decisions", default=True, show_default=True,
              help="Add the review queue's confirmed and rejected decisions (see review_queue.training_data).")
@_db_option
@click.pass_context
def train(ctx, no_embeddings, promote_as, with_decisions, db_flag):
    """Train a model version on the shipped training split (plus monitors' decisions); score it on the
    held-out split (and on held-out confirmed items)."""
    from review_queue.training_data import train_with_decisions
    registry = Registry(ctx.obj.models_dir)
    db = _config(ctx, db=db_flag).db
    store = Store(db) if with_decisions and Path(db).exists() else None
    version = train_with_decisions(store, registry, read_examples(TRAIN_PATH), read_examples(HELDOUT_PATH),
                                   use_embeddings=False if no_embeddings else None)
    card = registry.card(version)
    metrics = card["heldout_metrics"]
    click.echo(f"trained {version}: held-out relevance F1 {metrics['relevance']['f1']:.3f}, "
               f"category micro-F1 {metrics['categories']['micro_f1']:.3f}")
    if promote_as:
        _check_gate(registry, version, promote_as, force=False)
        registry.promote(version, promote_as)
        click.echo(f"{version} is now the {promote_as} model")


@cli.group()
def models():
    """List, inspect and promote model versions."""


@models.command("list")
@click.pass_context
def models_list(ctx):
    registry = Registry(ctx.obj.models_dir)
    state = registry._state()
    for version in registry.versions():
        role = "active" if version == state["active"] else "fallback" if version == state["fallback"] else ""
        metrics = registry.card(version).get("heldout_metrics") or {}
        f1 = metrics.get("categories", {}).get("micro_f1")
        click.echo(f"{version:<28} {role:<9} micro-F1 {f1 if f1 is not None else '-'}")


@models.command("show")
@click.argument("version", required=False)
@click.pass_context
def models_show(ctx, version):
    registry = Registry(ctx.obj.models_dir)
    version = version or registry.active_version()
    if not version:
        raise SozwatchError("no active model")
    click.echo(json.dumps(registry.card(version), indent=2, ensure_ascii=False))


@models.command("promote")
@click.argument("version")
@click.option("--as", "role", type=click.Choice(["active", "fallback"]), default="active", show_default=True)
@click.option("--force", is_flag=True, help="Promote even if the quality gate refuses the candidate.")
@click.option("--tolerance", type=click.FloatRange(0, 1), default=0.02, show_default=True,
              help="How far a gate figure may drop below the active model's.")
@click.pass_context
def models_promote(ctx, version, role, force, tolerance):
    registry = Registry(ctx.obj.models_dir)
    _check_gate(registry, version, role, force, tolerance)
    registry.promote(version, role)
    click.echo(f"{version} is now the {role} model")


def _check_gate(registry: Registry, version: str, role: str, force: bool, tolerance: float = 0.02) -> None:
    """The quality gate (classifiers.quality_gate) before a version becomes the active model."""
    if role != "active" or force:
        return
    from classifiers.quality_gate import check_promotion
    result = check_promotion(registry, version, tolerance)
    if not result.passed:
        raise SozwatchError(result.message())
    click.echo(result.message(), err=True)


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

if __name__ == "__main__":
    main()
