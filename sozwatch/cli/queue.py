"""The command line: `sozwatch queue list|history|sample`, reading and feeding the review queue."""
from __future__ import annotations

import json

import click

from review_queue.storage import STATUSES

from .common import SozwatchError, db_option, open_store


@click.group()
def queue():
    """Look at the review queue."""


@queue.command("list")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), default="pending", show_default=True)
@click.option("--category", help="Only items predicted with this taxonomy code.")
@click.option("--lang", type=click.Choice(["kk", "ru", "en", "other"]))
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@db_option
@click.pass_context
def queue_list(ctx, status, category, lang, limit, as_json, db_flag):
    """List queue items, highest priority first."""
    from classifiers.taxonomy import load_taxonomy
    if category and category not in load_taxonomy().categories:
        raise click.BadParameter(f"unknown category {category!r}", param_hint="--category")
    from review_queue.review.queue_view import list_items
    rows = list_items(open_store(ctx, db_flag), status=None if status == "all" else status, category=category,
                      lang=lang, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['id']:>6}  {row['status']:<9} {row['relevance']:.2f}  {row['lang'] or '?':<5} "
                       f"{','.join(row['categories']):<32} {row['title'][:70]}")
    if not as_json:
        click.echo(f"{len(rows)} item(s)", err=True)


@queue.command("history")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decision.")
@db_option
@click.pass_context
def queue_history(ctx, item_id, as_json, db_flag):
    """Every decision on one queue item, oldest first (refused conflicting attempts included)."""
    from review_queue.review.decisions import history
    store = open_store(ctx, db_flag)
    if not store.db.execute("SELECT 1 FROM review_items WHERE id = ?", [item_id]).fetchone():
        raise SozwatchError(f"no queue item {item_id}")
    entries = history(store, item_id)
    for entry in entries:
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False))
        else:
            after = entry["after"]
            refused = (after.get("refused") or "outdated_version").replace("_", " ")
            outcome = f"REFUSED ({refused})" if not entry["applied"] else after.get("status", "")
            cats = ",".join(after.get("categories") or [])
            reason = after.get("reject_reason") or ""
            overrides = after.get("overrides")
            override = f" OVERRIDES {overrides['username']}'s decision {overrides['decision_id']}" if overrides else ""
            click.echo(f"{entry['at']}  {entry['username']:<16} {entry['action']:<15} v{entry['from_version']}  "
                       f"{outcome:<14} {cats} {reason}{override}".rstrip())
    if not as_json and not entries:
        click.echo("no decisions yet", err=True)


@queue.command("sample")
@click.option("--share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Sample size as a share of the candidates queued in the window.")
@click.option("--hours", type=click.IntRange(1, 24 * 31), default=24, show_default=True,
              help="The window: articles fetched in the last N hours.")
@click.option("--seed", type=int, help="Random seed (reproducible samples).")
@db_option
@click.pass_context
def queue_sample(ctx, share, hours, seed, db_flag):
    """Queue a random sample of articles the model scored low, so monitors can find its misses."""
    from datetime import datetime, timedelta, timezone

    from review_queue.learning.sampling import queue_low_score_sample
    since = (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat(timespec="seconds")
    ids = queue_low_score_sample(open_store(ctx, db_flag), since, share=share, seed=seed)
    click.echo(f"queued {len(ids)} low-score article(s) for review")
