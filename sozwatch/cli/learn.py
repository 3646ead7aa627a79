"""The command line: `sozwatch report`, `reclassify`, `stats agreement` and `alerts …`, thin shells over
review_queue's learning loop and reports."""
from __future__ import annotations

import json
import sys

import click

from review_queue.reports.report_i18n import DEFAULT_LANG, LANGUAGES as REPORT_LANGUAGES

from .common import SozwatchError, db_option, open_store


# -- report -------------------------------------------------------------------
@click.command()
@click.option("--month", help="A month, YYYY-MM: the monthly report.")
@click.option("--year", type=click.IntRange(2000, 2100), help="A year: the annual report (attack types, "
              "perpetrators, change versus the previous year).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(REPORT_LANGUAGES), default=DEFAULT_LANG, show_default=True,
              help="Language of the report (names, phrases, months); CSV columns stay English.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@db_option
@click.pass_context
def report(ctx, month, year, fmt, lang, out, db_flag):
    """The foundation's monthly (or annual) counts from confirmed incidents."""
    from review_queue.reports.report import ReportError, build_report, render
    try:
        text = render(build_report(open_store(ctx, db_flag), month=month, year=year, lang=lang), fmt)
    except ReportError as exc:
        raise click.UsageError(str(exc)) from exc
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"wrote {out}", err=True)
    else:
        sys.stdout.write(text)


# -- reclassify ---------------------------------------------------------------
@click.command()
@click.option("--model", "version", help="Model version (default: the active one).")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=32, show_default=True)
@db_option
@click.pass_context
def reclassify(ctx, version, batch_size, db_flag):
    """Re-score pending items with the active model; earlier scores stay in the item's prediction history."""
    from classifiers.registry import Registry
    from classifiers.understand import Understander
    from review_queue.learning.reclassify import pending_article_ids, rescore_articles
    store = open_store(ctx, db_flag)
    understander = Understander(Registry(ctx.obj.models_dir).load(version))
    article_ids = pending_article_ids(store)
    with click.progressbar(length=len(article_ids), label=f"re-scoring with {understander.version}",
                           file=sys.stderr) as bar:
        changed = rescore_articles(store, understander, article_ids, batch_size=batch_size, progress=bar.update)
    click.echo(f"re-scored {len(article_ids)} pending items with {understander.version}; "
               f"{changed} changed categories")


# -- stats agreement ------------------------------------------------------------
@click.group()
def stats():
    """Figures about the monitors' work."""


@stats.command("agreement")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@db_option
@click.pass_context
def stats_agreement(ctx, as_json, db_flag):
    """Agreement between monitors on double-reviewed items: Cohen's kappa and Krippendorff's alpha per category."""
    from review_queue.learning.agreement import agreement_report, format_agreement
    figures = agreement_report(open_store(ctx, db_flag))
    click.echo(json.dumps(figures, ensure_ascii=False) if as_json else format_agreement(figures))


# -- alerts test ----------------------------------------------------------------
@click.group()
def alerts():
    """Notifications for grave incidents (webhook and/or e-mail)."""


@alerts.command("test")
@click.option("--webhook", help="URL to POST the alert to (default: $SOZWATCH_ALERT_WEBHOOK).")
@click.option("--smtp", help="host:port of the SMTP server (default: $SOZWATCH_ALERT_SMTP).")
@click.option("--mail-to", help="Recipient address(es), comma-separated (default: $SOZWATCH_ALERT_MAIL_TO).")
@click.option("--mail-from", help="Sender (default: $SOZWATCH_ALERT_MAIL_FROM or sozwatch@localhost).")
def alerts_test(webhook, smtp, mail_to, mail_from):
    """Send a test alert through the configured channels and say which worked."""
    from review_queue.reports.alerts import AlertSettings, sample_alert, send_alert
    settings = AlertSettings.from_env().with_values(webhook=webhook, smtp=smtp, mail_to=mail_to, mail_from=mail_from)
    if not settings.channels():
        raise click.UsageError("no alert channel configured: give --webhook and/or --smtp with --mail-to")
    results = send_alert(settings, sample_alert())
    for channel, error in results.items():
        click.echo(f"{channel}: {'ok' if error is None else 'FAILED: ' + error}")
    if any(error is not None for error in results.values()):
        raise SozwatchError("some alert channels failed")


@alerts.command("send")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Model score that makes a candidate alert-worthy "
              "(default: $SOZWATCH_ALERT_THRESHOLD or 0.9).")
@db_option
@click.pass_context
def alerts_send(ctx, threshold, db_flag):
    """Send the alerts that are due (confirmed attacks/detentions, high-scoring candidates), each once.
    Channels come from $SOZWATCH_ALERT_WEBHOOK, $SOZWATCH_ALERT_SMTP and $SOZWATCH_ALERT_MAIL_TO."""
    from review_queue.reports.alerts import AlertSettings, send_pending_alerts
    settings = AlertSettings.from_env().with_values(threshold=threshold)
    if not settings.channels():
        raise click.UsageError("no alert channel configured: set SOZWATCH_ALERT_WEBHOOK and/or "
                               "SOZWATCH_ALERT_SMTP with SOZWATCH_ALERT_MAIL_TO")
    sent = send_pending_alerts(open_store(ctx, db_flag), settings)
    failed = [alert for alert, results in sent if not any(e is None for e in results.values())]
    click.echo(f"{len(sent) - len(failed)} alert(s) sent, {len(failed)} failed (retried next run)")
    if failed:
        raise SozwatchError("some alerts could not be sent")
