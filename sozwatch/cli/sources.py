"""The command line: `sozwatch sources validate|status|list` and `sozwatch schedule`, the crawler's
commands besides `crawl`. Each is a thin shell over a function a test can call."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from crawler.sources import addresses, load_sources, usable_sources, validate_sources

from .common import db_exists


class ProblemsFound(click.ClickException):
    """The command ran and found problems (contracts.md: exit 1)."""
    exit_code = 1


# -- functions behind the commands ---------------------------------------------------------
FAILED_RUNS = 3   # this many failed runs in a row flag a source as failing
UNREACHABLE = {"dns": "host does not resolve", "connection_refused": "connection refused"}


def _failed(run: dict) -> bool:
    """A run that ended early, or whose every fetch failed (a dead host fetches nothing)."""
    return run["finish_reason"] not in ("finished", "running") or bool(
        run["errors"] and (not run["fetched"] or run["errors"] >= run["fetched"]))


def _flag(source, health: dict, now: datetime) -> str:
    """Why a crawled source needs a look, or "" when it is fine."""
    from crawler.extensions import process_alive
    from review_queue.storage.crawl_state import utc_datetime
    last = health["last"]
    if last["finish_reason"] == "running":
        if process_alive(last["stats"].get("process", {})) is False:
            return "INTERRUPTED: the run was killed before its end"
        return ""
    if not last["fetched"]:
        down = [why for kind, why in UNREACHABLE.items() if last["error_kinds"].get(kind)]
        if down:
            return f"UNREACHABLE: {down[0]}"
    if not health["last_success"]:
        return "FAILING: never finished"
    recent = health["recent"]
    if len(recent) >= FAILED_RUNS and all(_failed(run) for run in recent):
        return f"FAILING: last {FAILED_RUNS} runs failed"
    if now - utc_datetime(health["last_new"] or health["first_run"]) > source.silence_delta:
        return f"SILENT > {source.max_silence}" if health["last_new"] else f"SILENT: nothing stored in {source.max_silence}"
    if last["fetched"] and sum(last["error_kinds"].values()) >= last["fetched"]:
        return "FAILING: errors on every fetch"
    return ""


def status_rows(db: Path, sources_path: Path, now: datetime | None = None, report=None) -> list[dict]:
    """One row per source: last run and success, its figures, and a flag when it was killed, is
    unreachable, failing (never finished, or its last runs all failed) or silent (nothing stored
    for longer than its max_silence, a source that never stored anything included)."""
    from review_queue.storage import crawl_state
    from review_queue.storage.store import Store
    now = now or datetime.now(timezone.utc)
    store = Store(db)
    try:
        health = crawl_state.source_health(store, recent_runs=FAILED_RUNS)
    finally:
        store.close()
    rows = []
    for source in usable_sources(sources_path, report=report):
        h = health.get(source.name)
        row = {"source": source.name, "kind": source.kind, "last_run": None, "last_success": None,
               "fetched": 0, "new": 0, "errors": {}, "refused": {}, "flag": "never crawled"}
        if h:
            last = h["last"]
            row.update(last_run=last["finished_at"] or last["started_at"], last_success=h["last_success"],
                       fetched=last["fetched"], new=last["new_items"], errors=last["error_kinds"],
                       refused=last["refusals"], flag=_flag(source, h, now))
        rows.append(row)
    return rows


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"


def format_status(rows: list[dict]) -> str:
    """The table; `refused` counts pages fetched and refused as not articles, per reason."""
    lines = [f"{'source':<28} {'kind':<8} {'last run':<20} {'last success':<20} {'fetched':>7} {'new':>5} "
             f"{'refused':<30} {'errors':<30} flag"]
    for r in rows:
        lines.append(f"{r['source']:<28} {r['kind']:<8} {(r['last_run'] or '-')[:19]:<20} "
                     f"{(r['last_success'] or '-')[:19]:<20} {r['fetched']:>7} {r['new']:>5} "
                     f"{_counts(r['refused']):<30} {_counts(r['errors'])[:30]:<30} {r['flag']}")
    return "\n".join(lines)


# -- commands -------------------------------------------------------------------------------
@click.group("sources")
def sources_group():
    """Check the sources file and see how each source is doing."""


@sources_group.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--evidence", is_flag=True,
              help="Also list the URLs and channels with no recorded evidence (source, FILE:LINE, URL).")
@click.pass_context
def sources_validate(ctx, file, evidence):
    """Check a sources file (default: the configured one); every mistake with its line number."""
    path = Path(file) if file else ctx.obj.sources
    problems = validate_sources(path)
    for problem in problems:
        click.echo(f"{path}:{problem.line}: {problem.message}", err=True)
    if problems:
        raise ProblemsFound(f"{len(problems)} problem(s) in {path}")
    sources = load_sources(path)
    kinds = {}
    for s in sources:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    click.echo(f"{path}: {len(sources)} sources OK ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    if evidence:
        found = addresses(path)
        unverified = [a for a in found if not a.verified]
        for a in unverified:
            click.echo(f"{a.source:<28} {path}:{a.line:<5} {a.url}")
        click.echo(f"{len(unverified)} of {len(found)} URLs and channels unverified "
                   f"({len(found) - len(unverified)} with evidence)")


@sources_group.command("list")
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources YAML.")
@click.pass_context
def sources_list(ctx, sources):
    """Name, kind, languages, region and interval of each source."""
    for s in usable_sources(Path(sources) if sources else ctx.obj.sources,
                            report=lambda line: click.echo(f"{line} (left out)", err=True)):
        click.echo(f"{s.name:<28} {s.kind:<8} {','.join(s.languages):<9} {s.region[:24]:<24} every {s.interval}")


@sources_group.command("status")
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources YAML.")
@click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite file or postgresql:// URL.")
@click.option("--check", is_flag=True, help="Exit 1 when a source is flagged (for monitoring).")
@click.pass_context
def sources_status(ctx, sources, db_flag, check):
    """A table of each source's last run, figures, refusals and errors; flags silent or failing sources."""
    config = ctx.obj.with_flags(sources=sources, db=db_flag)
    if not db_exists(config.db):
        raise ProblemsFound(f"database not found: {config.db} (run `sozwatch crawl` first)")
    rows = status_rows(config.db, config.sources, report=lambda line: click.echo(f"{line} (left out)", err=True))
    click.echo(format_status(rows))
    flagged = [r for r in rows if r["flag"]]
    if check and flagged:
        raise ProblemsFound(f"{len(flagged)} source(s) flagged")


@click.command("schedule")
@click.option("--sources", type=click.Path(dir_okay=False), help="Sources YAML.")
@click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite file or postgresql:// URL.")
@click.option("--once", is_flag=True, help="Run the sources that are due, then exit (for cron).")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help="Sources crawled at once.")
@click.option("--tick", type=click.FloatRange(1, 3600), default=60, show_default=True,
              help="Seconds between looks at what is due.")
@click.option("--timeout", type=click.FloatRange(10), default=3600, show_default=True,
              help="Seconds one source's crawl may take.")
@click.pass_context
def schedule(ctx, sources, db_flag, once, jobs, tick, timeout):
    """Crawl each source at its configured interval; one line per run. Runs until stopped,
    or with --once one round (exit 1 when a source failed)."""
    from ..crawl import run_schedule
    config = ctx.obj.with_flags(sources=sources, db=db_flag)
    failed = run_schedule(config, once=once, jobs=jobs, tick=tick, timeout=timeout,
                          echo=lambda line: click.echo(line, err=False))
    if failed:
        raise ProblemsFound(f"{failed} source(s) failed")
