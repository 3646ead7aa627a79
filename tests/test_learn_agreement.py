"""Acceptance 3: agreement figures match a hand-computed example."""
import pytest
from click.testing import CliRunner

from classifiers.model import Prediction
from review_queue.learning.agreement import agreement_report, cohen_kappa, krippendorff_alpha, set_double_review
from review_queue.review.decisions import decide
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from sozwatch.cli import cli

# Ten items, two monitors, "is it a threat (A.threat)?" — 1 = yes.
ALICE = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0]
BOB = [1, 1, 0, 0, 0, 0, 0, 1, 1, 0]
# By hand: observed agreement 8/10 = 0.8; each says yes 4/10 times, so chance agreement
# 0.4*0.4 + 0.6*0.6 = 0.52 and kappa = (0.8 - 0.52) / (1 - 0.52) = 0.5833.
# Alpha: 20 values, 8 yes and 12 no; 2 disagreeing units give 4 off-diagonal pairs;
# alpha = 1 - (n - 1) * 4 / (2 * 8 * 12) = 1 - 19 * 4 / 192 = 0.6042.
KAPPA, ALPHA = 0.5833, 0.6042


def test_kappa_and_alpha_by_hand():
    assert cohen_kappa(ALICE, BOB) == KAPPA
    assert krippendorff_alpha([[a, b] for a, b in zip(ALICE, BOB)]) == ALPHA
    # Alpha copes with a third monitor on some items and a missing label on others.
    assert krippendorff_alpha([[1, 1, 1], [0, 0], [1], [0, 0, 0]]) == 1.0
    assert cohen_kappa([1, 1], [1, 1]) is None                       # no variation: undefined, not 1


def double_reviewed(url) -> Store:
    """The ten items above, each set for double review and decided by alice then bob
    (also run on PostgreSQL by tests/test_postgres_learning.py)."""
    store = Store(url)
    alice = add_user(store, "alice", "correct horse battery", role="admin")
    bob = add_user(store, "bob", "correct horse battery")
    for i, (a, b) in enumerate(zip(ALICE, BOB)):
        article = store.add_article({"url": f"https://example.org/{i}", "title": f"Item {i}", "text": f"text {i}",
                                     "lang": "en", "source": "example.org"})
        store.add_prediction(article.id, Prediction(0.7, True, {"A.threat": 0.7}, ["A.threat"], "m-1"))
        item_id = store.db.execute("SELECT id FROM review_items WHERE article_id = ?", [article.id]).fetchone()[0]
        assert set_double_review(store, item_id)
        # A "no" is a confirmation with another category, or a rejection: both are "not a threat".
        for version, (user, says) in enumerate(((alice, a), (bob, b)), start=1):
            if says:
                decide(store, item_id, user, version, "confirm", {"categories": ["A.threat"]})
            elif i % 2:
                decide(store, item_id, user, version, "confirm", {"categories": ["A.insult_discredit"]})
            else:
                decide(store, item_id, user, version, "reject", {"reject_reason": "not_incident"})
    return store


@pytest.fixture
def store(db_path):
    return double_reviewed(db_path)


def test_agreement_from_double_reviewed_decisions_matches_the_hand_computation(store):
    report = agreement_report(store)
    assert report["items_with_two_or_more_labels"] == 10 and report["monitors"] == ["alice", "bob"]
    threat = next(r for r in report["rows"] if r["category"] == "A.threat")
    assert (threat["items"], threat["cohen_kappa"], threat["krippendorff_alpha"]) == (10, KAPPA, ALPHA)

    result = CliRunner().invoke(cli, ["stats", "agreement", "--db", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "A.threat" in result.output and "0.583" in result.output and "0.604" in result.output


def test_admin_sets_double_review_and_sees_agreement_page_monitors_do_not(tmp_path):
    from .browser.support import csrf_from, item_id_by_url, live_server, seed, signed_in_client
    db = tmp_path / "web.db"
    store = seed(db)
    item_id = item_id_by_url(store, "https://kz.example/threats")
    with live_server(db) as base:
        admin, monitor = signed_in_client(base, "alice"), signed_in_client(base, "bob")
        token = csrf_from(admin.get(f"/items/{item_id}").text)
        response = admin.post(f"/items/{item_id}/double-review", data={"csrf_token": token, "on": "1"})
        assert response.status_code == 303
        assert store.db.execute("SELECT double_review FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == 1
        assert admin.get("/admin/agreement").status_code == 200
        assert monitor.get("/admin/agreement").status_code == 403
        token = csrf_from(monitor.get("/queue").text)
        assert monitor.post(f"/items/{item_id}/double-review", data={"csrf_token": token}).status_code == 403
        uncertain = monitor.get("/queue/uncertain")
        assert uncertain.status_code == 200 and "Тілшіге қоқан-лоққы көрсетілді" in uncertain.text
        report = monitor.get("/reports/download", params={"month": "2025-03", "format": "csv"})
        assert report.status_code == 200 and report.text.startswith("\ufeffsection,group,code")
