"""Report: notifications for the gravest incidents: a confirmed physical attack or detention, or a
candidate the model scores above a high threshold for one of those.

Channels, configured by the user: a webhook (JSON POSTed to a URL) and/or e-mail through
an SMTP server (e.g. the organisation's local relay). `send_pending_alerts` finds what is
due in the database and sends each alert once (recorded in `alerts_sent`); run it after
each crawl or from cron (`sozwatch alerts send`). Failed channels are retried next run.
"""
from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from dataclasses import dataclass, field, replace
from email.message import EmailMessage

from ..storage.store import Store, utc_now
from ..storage.transactions import write_transaction

GRAVE_CATEGORIES = ("A.attack", "A.detention")
DEFAULT_THRESHOLD = 0.9
TIMEOUT_S = 10
ENV = {"webhook": "SOZWATCH_ALERT_WEBHOOK", "smtp": "SOZWATCH_ALERT_SMTP", "mail_to": "SOZWATCH_ALERT_MAIL_TO",
       "mail_from": "SOZWATCH_ALERT_MAIL_FROM", "threshold": "SOZWATCH_ALERT_THRESHOLD"}


@dataclass(frozen=True)
class AlertSettings:
    webhook: str | None = None
    smtp: str | None = None              # host:port
    mail_to: tuple[str, ...] = ()
    mail_from: str = "sozwatch@localhost"
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def from_env(cls, environ=os.environ) -> "AlertSettings":
        return cls().with_values(**{name: environ.get(var) for name, var in ENV.items()})

    def with_values(self, **values) -> "AlertSettings":
        """Given values (None = not given) override; mail_to may be a comma-separated string."""
        given = {k: v for k, v in values.items() if v not in (None, "")}
        if isinstance(given.get("mail_to"), str):
            given["mail_to"] = tuple(a.strip() for a in given["mail_to"].split(",") if a.strip())
        if "threshold" in given:
            given["threshold"] = float(given["threshold"])
        return replace(self, **given)

    def channels(self) -> list[str]:
        return [name for name, on in (("webhook", self.webhook), ("email", self.smtp and self.mail_to)) if on]


@dataclass
class Alert:
    key: str                      # what makes it unique: one alert per incident / per candidate item
    kind: str                     # "confirmed" or "candidate"
    categories: list[str]
    title: str
    url: str | None
    item_id: int | None = None
    score: float | None = None
    details: dict = field(default_factory=dict)

    def subject(self) -> str:
        what = "Confirmed" if self.kind == "confirmed" else "Possible"
        return f"[sozwatch] {what} {', '.join(self.categories)}: {self.title}"[:200]

    def body(self) -> str:
        lines = [self.subject(), "", f"Article: {self.url or '-'}", f"Queue item: {self.item_id or '-'}"]
        if self.score is not None:
            lines.append(f"Model score: {self.score:.2f}")
        lines += [f"{k}: {v}" for k, v in self.details.items() if v]
        return "\n".join(lines) + "\n"

    def payload(self) -> dict:
        return {"kind": self.kind, "categories": self.categories, "title": self.title, "url": self.url,
                "item_id": self.item_id, "score": self.score, **self.details}


def sample_alert() -> Alert:
    return Alert(key="test", kind="test", categories=["A.detention"], title="Test alert from sozwatch", url=None)


def due_alerts(store: Store, threshold: float = DEFAULT_THRESHOLD) -> list[Alert]:
    """Confirmed grave incidents and high-scoring grave candidates not yet announced."""
    grave = ",".join("?" * len(GRAVE_CATEGORIES))
    alerts = []
    # Each incident with its first confirmed article, joined by a subquery rather than GROUP BY with bare
    # columns (SQLite takes them from the MIN row; PostgreSQL refuses ungrouped columns).
    for row in store.db.execute_returning_dicts(
            f"""SELECT i.id, i.date, i.place, i.categories, i.victims, r.id AS item_id, a.title, a.url
                FROM incidents i
                JOIN review_items r ON r.id = (SELECT MIN(f.id) FROM review_items f
                                               WHERE f.incident_id = i.id AND f.status = 'confirmed')
                JOIN articles a ON a.id = r.article_id
                WHERE EXISTS (SELECT 1 FROM json_each(i.categories) WHERE value IN ({grave}))
                  AND NOT EXISTS (SELECT 1 FROM alerts_sent s WHERE s.key = 'incident-' || i.id)
                ORDER BY i.id""", list(GRAVE_CATEGORIES)):
        alerts.append(Alert(f"incident-{row['id']}", "confirmed", json.loads(row["categories"]), row["title"] or "",
                            row["url"], row["item_id"], details={"date": row["date"], "place": row["place"],
                                                                  "victims": ", ".join(json.loads(row["victims"]))}))
    for row in store.db.execute_returning_dicts(
            """SELECT r.id AS item_id, a.title, a.url, p.scores FROM review_items r
               JOIN articles a ON a.id = r.article_id
               JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = r.article_id)
               WHERE r.status IN ('pending', 'second_opinion') AND p.is_candidate = 1
                 AND NOT EXISTS (SELECT 1 FROM alerts_sent s WHERE s.key = 'candidate-' || r.id)
               ORDER BY r.id"""):
        scores = json.loads(row["scores"] or "{}")
        high = {code: scores[code] for code in GRAVE_CATEGORIES if scores.get(code, 0) >= threshold}
        if high:
            alerts.append(Alert(f"candidate-{row['item_id']}", "candidate", sorted(high), row["title"] or "",
                                row["url"], row["item_id"], score=max(high.values())))
    return alerts


def send_webhook(url: str, alert: Alert) -> None:
    request = urllib.request.Request(url, data=json.dumps(alert.payload(), ensure_ascii=False).encode(),
                                     headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        if response.status >= 300:
            raise OSError(f"webhook answered {response.status}")


def send_email(settings: AlertSettings, alert: Alert) -> None:
    host, _, port = settings.smtp.rpartition(":")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, ", ".join(settings.mail_to), alert.subject()
    message.set_content(alert.body())
    with smtplib.SMTP(host or "127.0.0.1", int(port or 25), timeout=TIMEOUT_S) as smtp:
        smtp.send_message(message)


def send_alert(settings: AlertSettings, alert: Alert) -> dict[str, str | None]:
    """Send through every configured channel; {channel: None if it worked, else the error}."""
    results: dict[str, str | None] = {}
    for channel in settings.channels():
        try:
            send_webhook(settings.webhook, alert) if channel == "webhook" else send_email(settings, alert)
            results[channel] = None
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            results[channel] = f"{type(exc).__name__}: {exc}"
    return results


def send_pending_alerts(store: Store, settings: AlertSettings) -> list[tuple[Alert, dict]]:
    """Send every due alert; record those that went out on at least one channel."""
    sent = []
    for alert in due_alerts(store, settings.threshold):
        results = send_alert(settings, alert)
        ok = [channel for channel, error in results.items() if error is None]
        if ok:
            with write_transaction(store.db):
                store.db.execute("INSERT OR IGNORE INTO alerts_sent (key, kind, item_id, sent_at, channels) "
                                 "VALUES (?, ?, ?, ?, ?)", [alert.key, alert.kind, alert.item_id, utc_now(), ",".join(ok)])
        sent.append((alert, results))
    return sent
