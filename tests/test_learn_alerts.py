"""Alerts: a confirmed detention and a high-scoring attack candidate reach a local webhook and a
local SMTP server (both on 127.0.0.1), once each."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from classifiers.model import Prediction
from review_queue.reports.alerts import AlertSettings, send_pending_alerts
from review_queue.review.decisions import decide
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from sozwatch.cli import cli


@pytest.fixture
def webhook():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.fixture
def smtp_server(free_port):
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port)
    controller.start()
    yield f"127.0.0.1:{free_port}", messages
    controller.stop()


def _queue(store, url, title, scores, categories):
    article = store.add_article({"url": url, "title": title, "text": title, "lang": "en", "source": "example.org"})
    store.add_prediction(article.id, Prediction(0.9, True, scores, categories, "m-1"))
    return store.db.execute("SELECT id FROM review_items WHERE article_id = ?", [article.id]).fetchone()[0]


def test_grave_incidents_are_announced_once_on_both_channels(db_path, webhook, smtp_server):
    store = Store(db_path)
    monitor = add_user(store, "monitor", "correct horse battery")
    detained = _queue(store, "https://example.org/detained", "Reporter detained in Aktau",
                      {"A.detention": 0.6}, ["A.detention"])
    _queue(store, "https://example.org/beaten", "Cameraman beaten outside court", {"A.attack": 0.95}, ["A.attack"])
    _queue(store, "https://example.org/refused", "Akimat ignores request", {"B.info_refusal": 0.99}, ["B.info_refusal"])
    decide(store, detained, monitor, 1, "confirm", {"categories": ["A.detention"], "place": "Aktau",
                                                    "incident_date": "2025-02-01", "victims": ["A. Reporter"]})
    url, posted = webhook
    smtp, mails = smtp_server
    settings = AlertSettings(webhook=url, smtp=smtp, mail_to=("desk@adilsoz.example",), threshold=0.9)

    sent = send_pending_alerts(store, settings)
    assert [(a.kind, a.categories) for a, _ in sent] == [("confirmed", ["A.detention"]), ("candidate", ["A.attack"])]
    assert all(results == {"webhook": None, "email": None} for _, results in sent)
    assert [p["title"] for p in posted] == ["Reporter detained in Aktau", "Cameraman beaten outside court"]
    assert posted[0]["place"] == "Aktau" and posted[1]["score"] == 0.95
    assert len(mails) == 2 and mails[0][0] == ["desk@adilsoz.example"]
    assert "Subject: [sozwatch] Confirmed A.detention: Reporter detained in Aktau" in mails[0][1]

    assert send_pending_alerts(store, settings) == []          # each announced once
    assert len(posted) == 2 and len(mails) == 2


def test_alerts_test_command_reports_each_channel(webhook, free_port):
    url, posted = webhook
    result = CliRunner().invoke(cli, ["alerts", "test", "--webhook", url])
    assert result.exit_code == 0 and "webhook: ok" in result.output and posted[0]["kind"] == "test"
    failed = CliRunner().invoke(cli, ["alerts", "test", "--smtp", f"127.0.0.1:{free_port}", "--mail-to", "x@example.org"])
    assert failed.exit_code == 1 and "email: FAILED" in failed.output
