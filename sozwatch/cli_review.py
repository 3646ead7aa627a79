"""Commands for the review queue web app: serve, users, queue history, export.

Registered on the `cli` group of sozwatch.cli; each is a thin shell over review_queue.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import SozwatchError, _config, _db_option, _require_db, cli, queue


def _store(ctx, db_flag):
    from review_queue.storage.store import Store
    config = _config(ctx, db=db_flag)
    _require_db(config.db)
    return Store(config.db)


# -- serve ------------------------------------------------------------------
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--claim-minutes", type=click.FloatRange(0.5, 240), default=5, show_default=True,
              help="How long opening an item reserves it for one monitor.")
@click.option("--https-only", is_flag=True, help="Send the session cookie only over HTTPS (behind a TLS proxy).")
@_db_option
@click.pass_context
def serve(ctx, host, port, claim_minutes, https_only, db_flag):
    """Serve the monitors' review web app."""
    import uvicorn

    from review_queue.review.users import list_users
    from review_queue.web.app import AppSettings, create_app
    config = _config(ctx, db=db_flag)
    app = create_app(AppSettings(db=Path(config.db), claim_minutes=claim_minutes, https_only=https_only))
    from review_queue.storage.store import Store
    if not list_users(Store(config.db)):
        click.echo("no accounts yet: add one with `sozwatch users add NAME --role admin`", err=True)
    click.echo(f"serving {config.db} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level=config.log_level.lower())


# -- users ------------------------------------------------------------------
@cli.group()
def users():
    """Monitor and admin accounts."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["monitor", "admin"]), default="monitor", show_default=True)
@click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
              help="Interface language.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_db_option
@click.pass_context
def users_add(ctx, username, role, lang, password_stdin, db_flag):
    """Add an account (the password is prompted for, or read with --password-stdin)."""
    from review_queue.storage.store import Store
    from review_queue.review.users import UserError, add_user
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = add_user(Store(_config(ctx, db=db_flag).db), username, password, role=role, lang=lang)
    except UserError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"added {user.role} {user.username}")


@users.command("list")
@_db_option
@click.pass_context
def users_list(ctx, db_flag):
    """List accounts."""
    from review_queue.review.users import list_users
    for user in list_users(_store(ctx, db_flag)):
        click.echo(f"{user.username:<24} {user.role:<8} {user.lang:<3} {'disabled' if user.disabled else 'active'}")


@users.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Re-enable instead.")
@_db_option
@click.pass_context
def users_disable(ctx, username, enable, db_flag):
    """Disable an account: it can no longer sign in; its decisions stay attributed to it."""
    from review_queue.review.users import UserError, set_disabled
    try:
        set_disabled(_store(ctx, db_flag), username, disabled=not enable)
    except UserError as exc:
        raise SozwatchError(str(exc)) from exc
    click.echo(f"{username} {'enabled' if enable else 'disabled'}")


# -- queue history -------------------------------------------------------------
@queue.command("history")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decision.")
@_db_option
@click.pass_context
def queue_history(ctx, item_id, as_json, db_flag):
    """Every decision on one queue item, oldest first (refused conflicting attempts included)."""
    from review_queue.review.decisions import history
    store = _store(ctx, db_flag)
    if not store.db.execute("SELECT 1 FROM review_items WHERE id = ?", [item_id]).fetchone():
        raise SozwatchError(f"no queue item {item_id}")
    entries = history(store, item_id)
    for entry in entries:
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False))
        else:
            after = entry["after"]
            outcome = "REFUSED (outdated version)" if not entry["applied"] else after.get("status", "")
            cats = ",".join(after.get("categories") or [])
            reason = after.get("reject_reason") or ""
            click.echo(f"{entry['at']}  {entry['username']:<16} {entry['action']:<15} v{entry['from_version']}  "
                       f"{outcome:<14} {cats} {reason}".rstrip())
    if not as_json and not entries:
        click.echo("no decisions yet", err=True)


# -- export ------------------------------------------------------------------
@cli.command("export")
@click.option("--what", type=click.Choice(["incidents", "decisions"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@_db_option
@click.pass_context
def export_cmd(ctx, what, fmt, out, db_flag):
    """Confirmed incidents or the decision log as CSV or JSON Lines."""
    from review_queue.reports.export import write_export
    store = _store(ctx, db_flag)
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            n = write_export(store, what, fmt, handle)
        click.echo(f"wrote {n} {what} to {out}", err=True)
    else:
        write_export(store, what, fmt, sys.stdout)
