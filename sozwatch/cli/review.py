"""The command line: `sozwatch serve`, `users …` and `export`, thin shells over the review web app and review_queue."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import SozwatchError, config_for, db_option, open_store


# -- serve ------------------------------------------------------------------
@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--claim-minutes", type=click.FloatRange(0.5, 240), default=5, show_default=True,
              help="How long opening an item reserves it for one monitor.")
@click.option("--https-only", is_flag=True, help="Send the session cookie only over HTTPS (behind a TLS proxy).")
@click.option("--create", is_flag=True,
              help="Create the database if it does not exist (else a missing one is an error).")
@db_option
@click.pass_context
def serve(ctx, host, port, claim_minutes, https_only, create, db_flag):
    """Serve the monitors' review web app."""
    import uvicorn

    from review_queue.review.users import list_users
    from review_queue.web.app import AppSettings, create_app
    config = config_for(ctx, db=db_flag)
    store = open_store(ctx, db_flag, create=create)
    app = create_app(AppSettings(db=Path(config.db), claim_minutes=claim_minutes, https_only=https_only))
    if not list_users(store):
        click.echo("no accounts yet: add one with `sozwatch users add NAME --role admin`", err=True)
    click.echo(f"serving {config.db} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level=config.log_level.lower())


# -- users ------------------------------------------------------------------
@click.group()
def users():
    """Monitor and admin accounts."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["monitor", "admin"]), default="monitor", show_default=True)
@click.option("--lang", type=click.Choice(["ru", "en", "kk"]), default="ru", show_default=True,
              help="Interface language.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@db_option
@click.pass_context
def users_add(ctx, username, role, lang, password_stdin, db_flag):
    """Add an account (the password is prompted for, or read with --password-stdin)."""
    from review_queue.review.users import UserError, add_user
    store = open_store(ctx, db_flag)
    try:
        user = add_user(store, username, _read_password(password_stdin), role=role, lang=lang)
    except UserError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"added {user.role} {user.username}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
@db_option
@click.pass_context
def users_reset_password(ctx, username, password_stdin, db_flag):
    """Set a new password (prompted for, or read with --password-stdin); the account's open sessions end."""
    from review_queue.review.auth_guard import log_event
    from review_queue.review.users import UserError, set_password
    store = open_store(ctx, db_flag)
    try:
        set_password(store, username, _read_password(password_stdin))
    except UserError as exc:
        raise SozwatchError(str(exc)) from exc
    log_event(store, "password_reset", username, "cli")
    click.echo(f"new password set for {username}; its sessions are signed out")


@users.command("list")
@db_option
@click.pass_context
def users_list(ctx, db_flag):
    """List accounts."""
    from review_queue.review.users import list_users
    for user in list_users(open_store(ctx, db_flag)):
        click.echo(f"{user.username:<24} {user.role:<8} {user.lang:<3} {'disabled' if user.disabled else 'active'}")


@users.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Re-enable instead.")
@db_option
@click.pass_context
def users_disable(ctx, username, enable, db_flag):
    """Disable an account: it can no longer sign in; its decisions stay attributed to it."""
    from review_queue.review.auth_guard import log_event
    from review_queue.review.users import UserError, set_disabled
    store = open_store(ctx, db_flag)
    try:
        set_disabled(store, username, disabled=not enable)
    except UserError as exc:
        raise SozwatchError(str(exc)) from exc
    log_event(store, "enabled" if enable else "disabled", username, "cli")
    click.echo(f"{username} {'enabled' if enable else 'disabled'}")


@users.command("events")
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
@db_option
@click.pass_context
def users_events(ctx, limit, db_flag):
    """The sign-in trail, newest first: failures, locks, refused early tries, logins, logouts, resets."""
    from review_queue.review.auth_guard import auth_events
    for e in auth_events(open_store(ctx, db_flag), limit=limit):
        click.echo(f"{e['at']}  {e['event']:<14} {e['username'] or '-':<24} {e['client'] or '-':<15} {e['detail'] or ''}"
                   .rstrip())


# -- export ------------------------------------------------------------------
@click.command("export")
@click.option("--what", type=click.Choice(["incidents", "decisions"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--excel", is_flag=True,
              help="Start the CSV with a UTF-8 byte-order mark, so Excel reads Cyrillic right.")
@db_option
@click.pass_context
def export_cmd(ctx, what, fmt, out, excel, db_flag):
    """Confirmed incidents or the decision log as CSV or JSON Lines."""
    from review_queue.reports.export import BOM, write_export
    store = open_store(ctx, db_flag)
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            if excel and fmt == "csv":
                handle.write(BOM)
            n = write_export(store, what, fmt, handle)
        click.echo(f"wrote {n} {what} to {out}", err=True)
    else:
        if excel and fmt == "csv":
            sys.stdout.write(BOM)
        write_export(store, what, fmt, sys.stdout)
