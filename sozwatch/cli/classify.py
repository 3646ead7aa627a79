"""The command line: `sozwatch classify` (the classify stage on its own) and `classify status`, thin
shells over sozwatch/classify.py and review_queue/storage/classify_state.py."""
from __future__ import annotations

import json
import sys
import threading
from dataclasses import asdict
from datetime import datetime, timezone

import click

from .common import config_for, db_option, open_store


@click.group(invoke_without_command=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (with PostgreSQL, more can run on other machines).")
@click.option("--until-empty", "mode", flag_value="until-empty", default=True,
              help="Stop when no article is pending (the default).")
@click.option("--follow", "mode", flag_value="follow", help="Keep waiting for new articles until stopped (SIGTERM).")
@click.option("--follow-stdin", "mode", flag_value="follow-stdin",
              help="Keep waiting until standard input closes, then drain and stop (how `sozwatch crawl` runs it).")
@click.option("--from-quarantine", is_flag=True, help="First give quarantined articles another round of attempts.")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=None,
              help="Articles per model call (default: $SOZWATCH_CLASSIFY_BATCH or 32).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@db_option
@click.pass_context
def classify(ctx, workers, mode, from_quarantine, batch_size, as_json, db_flag):
    """Classify the articles the crawl stored (state pending): relevance, categories, and a review item
    for each candidate. `sozwatch crawl` runs this beside itself; run it alone after `crawl --no-classify`."""
    if ctx.invoked_subcommand is not None:
        return
    from review_queue.storage import classify_state
    from workers.classify import ClassifyWorker

    from ..classify import run_classify
    config = config_for(ctx, db=db_flag, classify_batch=batch_size)
    store = open_store(ctx, db_flag)   # the database must exist; migrated here once, not by each worker
    if from_quarantine:
        click.echo(f"{classify_state.requeue_quarantined(store)} quarantined articles pending again", err=True)
    store.close()
    if mode == "follow-stdin":
        worker = ClassifyWorker(config.db, config.models_dir, batch_size=config.classify_batch,
                                lease_seconds=config.classify_lease)
        worker.load_model()   # a missing or broken model fails here, before the crawl starts
        click.echo(f"ready {worker.understander.version}")
        sys.stdout.flush()
        threading.Thread(target=lambda: (sys.stdin.read(), worker.stop_following()), daemon=True).start()
        counts = worker.run(follow=True)
    else:
        counts = run_classify(config, workers=workers, follow=mode == "follow")
    click.echo(json.dumps(asdict(counts)) if as_json else counts.summary())


@classify.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@db_option
@click.pass_context
def status(ctx, as_json, db_flag):
    """Articles by classify state, the oldest pending one's age, the latest quarantined errors."""
    from review_queue.storage import classify_state
    report = classify_state.status(open_store(ctx, db_flag))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    counts = report["counts"]
    click.echo("  ".join(f"{state} {counts[state]}" for state in classify_state.STATES))
    if report["oldest_pending"]:
        age = datetime.now(timezone.utc) - datetime.fromisoformat(report["oldest_pending"])
        click.echo(f"oldest pending: queued {report['oldest_pending']} ({age.total_seconds() / 60:.0f} min ago)")
    for row in report["quarantined"]:
        click.echo(f"quarantined article {row['article_id']} after {row['attempts']} attempts: {row['last_error']}")
