"""The review app under a monitor's daily use: throttled sign-in, sessions that end when they should,
control characters refused, a Markdown report that carries no markup from crawled text, extracted
values shown and confirmed, second opinions left to colleagues, agreement counts, exports for Excel."""
import csv
import io
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from review_queue.learning.agreement import set_double_review
from review_queue.reports.report import latest_month, monthly_report, render_markdown
from review_queue.review.auth_guard import ACCOUNT, CLIENT, LOCK_FOR, record_failure, retry_after
from review_queue.review.decisions import decide
from review_queue.review.extracted import extracted_values
from review_queue.review.users import list_users, set_password

from .browser.support import (PASSWORD, csrf_from, decision_form, item_id_by_url, seed, signed_in_client)

DETAINED = "https://kz.example/detained"
HOSTILE = "javascript:alert(document.cookie)"


def users(store) -> dict:
    return {user.username: user for user in list_users(store)}


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/login", data={"csrf_token": csrf_from(client.get("/login").text),
                                       "username": username, "password": password})


# -- sign-in -------------------------------------------------------------------------
def test_thirty_wrong_passwords_are_throttled_to_429_and_then_even_the_right_one_waits(server):
    base, store = server
    client = httpx.Client(base_url=base, timeout=20)
    statuses = [login(client, "alice", f"wrong guess {n}").status_code for n in range(30)]
    assert statuses[:ACCOUNT.free] == [401] * ACCOUNT.free       # a few free tries, then a growing wait
    assert set(statuses) == {401, 429} and statuses[-1] == 429
    right = login(client, "alice", PASSWORD)
    assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1
    assert "sozwatch_session" not in right.cookies and client.get("/queue").status_code == 303
    events = [e for (e,) in store.db.execute("SELECT event FROM auth_events WHERE username = 'alice'")]
    assert events.count("login_failed") == statuses.count(401) and "login_refused" in events


def test_the_wait_grows_then_locks_and_is_forgotten_later(db_path):
    store = seed(db_path)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(ACCOUNT.free):
        record_failure(store, "bob", "10.0.0.1", now=start)
    assert retry_after(store, "bob", "10.0.0.1", now=start) == 1
    record_failure(store, "bob", "10.0.0.1", now=start)
    assert retry_after(store, "bob", "10.0.0.1", now=start) == 2
    for n in range(ACCOUNT.lock_at - ACCOUNT.free - 1):
        record_failure(store, "bob", "10.0.0.1", now=start)
    assert retry_after(store, "bob", "10.0.0.1", now=start) == LOCK_FOR.total_seconds()
    assert retry_after(store, "bob", "10.0.0.2", now=start) == LOCK_FOR.total_seconds()   # the account is locked
    assert retry_after(store, "carol", "10.0.0.9", now=start) == 0
    later = start + LOCK_FOR + timedelta(seconds=1)
    assert retry_after(store, "bob", "10.0.0.1", now=later) == 0
    record_failure(store, "bob", "10.0.0.1", now=later + timedelta(minutes=30))   # counting starts again
    assert retry_after(store, "bob", "10.0.0.1", now=later + timedelta(minutes=30)) == 0
    assert "login_locked" in [e for (e,) in store.db.execute("SELECT event FROM auth_events")]


def test_one_address_trying_many_accounts_is_throttled(db_path):
    store = seed(db_path)
    now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(CLIENT.free):
        record_failure(store, f"guess{n}", "203.0.113.7", now=now)
    assert retry_after(store, "someone-new", "203.0.113.7", now=now) == 1
    assert retry_after(store, "someone-new", "198.51.100.1", now=now) == 0


def test_a_cookie_replayed_after_logout_is_sent_to_login(server):
    base, _ = server
    client = signed_in_client(base, "alice")
    saved = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)}).status_code == 303
    replay = httpx.Client(base_url=base, cookies=saved)
    response = replay.get("/queue")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(server):
    base, store = server
    bob = signed_in_client(base, "bob")
    set_password(store, "bob", "a brand new passphrase")
    assert bob.get("/queue").status_code == 303
    assert login(httpx.Client(base_url=base), "bob", "a brand new passphrase").status_code == 303


# -- bad input ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/queue?q=%00", "/queue/next?q=%00", "/items/{id}?q=%00", "/queue?source=a%01b",
                                  "/reports?month=2025-03%00", "/export?what=incidents%00&format=csv"])
def test_control_characters_in_a_query_are_a_400_never_a_500(server, path):
    base, store = server
    client = signed_in_client(base, "alice")
    response = client.get(path.replace("{id}", str(item_id_by_url(store, DETAINED))))
    assert response.status_code == 400 and "управляющие символы" in response.text


def test_a_nul_in_a_form_field_is_refused_and_changes_nothing(server):
    base, store = server
    client = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, DETAINED)
    fields = decision_form(client.get(f"/items/{item_id}").text)
    response = client.post(f"/items/{item_id}/decide", data={**fields, "action": "confirm",
                                                             "categories": "A.detention", "notes": "a\x00b"})
    assert response.status_code == 400
    assert login(httpx.Client(base_url=base), "alice\x00", PASSWORD).status_code == 400
    assert store.db.execute("SELECT status FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == "pending"
    # A textarea's line breaks are ordinary text.
    response = client.post(f"/items/{item_id}/decide", data={**fields, "action": "confirm",
                                                             "categories": "A.detention", "notes": "a\r\nb"})
    assert response.status_code == 303


def test_markdown_report_carries_no_markup_or_javascript_link_from_crawled_or_typed_text(server):
    base, store = server
    alice = users(store)["alice"]
    decide(store, item_id_by_url(store, HOSTILE), alice, 1, "confirm", {
        "categories": ["C.administrative"], "incident_date": "2025-03-03", "place": "<svg onload=alert(1)>",
        "victims": ["<script>alert(2)</script>"], "notes": "[клик](javascript:alert(3)) ![x](javascript:alert(4))"})
    markdown = signed_in_client(base, "alice").get("/reports/download", params={"month": "2025-03", "format": "md"})
    assert markdown.status_code == 200
    for text in (markdown.text, render_markdown(monthly_report(store, "2025-03"))):
        assert "<script" not in text and "<svg" not in text and "javascript:" not in text.lower()
        assert "&lt;script&gt;" in text and r"\[клик\]" in text    # still readable, as text


# -- what the model extracted --------------------------------------------------------
def test_extracted_values_are_shown_prefilled_and_confirmed_into_the_report(server):
    base, store = server
    client = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, DETAINED)
    page = client.get(f"/items/{item_id}").text
    assert "state_bodies outlets" not in page
    for kind, value in [("victims", "Аяна Ахметова"), ("places", "Oral"), ("outlets", "Уральская неделя"),
                        ("state_bodies", "полиция"), ("amounts", "50 000 тенге"), ("legal_articles", "КоАП 667")]:
        assert f'data-kind="{kind}"><span class="tag">{value}</span>' in page, kind
    assert '<textarea name="victims" rows="2">Аяна Ахметова</textarea>' in page
    assert '<input name="place" value="Oral">' in page
    assert ">Уральская неделя</textarea>" in page and ">КоАП 667</textarea>" in page
    fields = decision_form(page)
    response = client.post(f"/items/{item_id}/decide", data={
        **fields, "action": "confirm", "categories": "A.detention", "incident_date": "2025-03-02",
        "victims": "Аяна Ахметова\nоператор Б. Сериков.", "place": "Уральск", "outlets": "Уральская неделя",
        "state_bodies": "police", "amounts": "", "legal_articles": "КоАП 667"})
    assert response.status_code == 303
    key = monthly_report(store, "2025-03", lang="ru")["key_incidents"][0]
    assert key["place"] == "Уральск" and key["victims_line"] == "Аяна Ахметова, оператор Б. Сериков."
    assert ("СМИ", "Уральская неделя.") in key["extracted_lines"] and key["amounts"] == []
    html = client.get("/reports", params={"month": "2025-03"}).text
    assert "Б. Сериков.</em>" in html and "Б. Сериков..</em>" not in html and "Статьи: КоАП 667." in html


def test_older_predictions_with_a_list_of_entities_still_show_values():
    values = extracted_values({"entities": [{"text": "Аяна Ахметова", "type": "PER"},
                                            {"text": "Уральск", "type": "LOC"}], "legal_articles": ["КоАП 667"]})
    assert values["victims"] == ["Аяна Ахметова"] and values["places"] == ["Уральск"]
    assert values["legal_articles"] == ["КоАП 667"] and values["amounts"] == []


# -- workflow -------------------------------------------------------------------------
def test_second_opinion_releases_the_item_for_colleagues(server):
    base, store = server
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    item_id = item_id_by_url(store, DETAINED)
    fields = decision_form(alice.get(f"/items/{item_id}").text)
    response = alice.post(f"/items/{item_id}/decide", data={**fields, "action": "second_opinion"},
                          follow_redirects=True)
    assert response.status_code == 200 and 'id="claim-notice"' not in response.text
    assert store.db.execute("SELECT status, claimed_by FROM review_items WHERE id = ?", [item_id]).fetchone() \
        == ("second_opinion", None)
    queue = bob.get("/queue", params={"status": "second_opinion"}).text
    assert "badge taken" not in queue
    taken = bob.get("/queue/next", params={"status": "second_opinion"})
    assert taken.headers["location"].startswith(f"/items/{item_id}")
    assert 'id="claim-notice"' in bob.get(taken.headers["location"]).text


def test_agreement_page_shows_counts(server):
    base, store = server
    who = users(store)
    item_id = item_id_by_url(store, "https://kz.example/threats")
    set_double_review(store, item_id)
    decide(store, item_id, who["bob"], 1, "confirm", {"categories": ["A.threat"]})
    decide(store, item_id, who["alice"], 2, "confirm", {"categories": ["A.threat"]})
    page = signed_in_client(base, "alice").get("/admin/agreement").text
    assert "built-in method" not in page
    assert '<tr data-category="A.threat">' in page
    row = page[page.index('<tr data-category="A.threat">'):]
    assert '<td class="num">1</td><td class="num">2</td>' in row[:row.index("</tr>")]


def test_decisions_export_carries_the_reject_comment_and_csv_opens_in_excel(server):
    base, store = server
    client = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, "https://kz.example/site-blocked")
    fields = decision_form(client.get(f"/items/{item_id}").text)
    client.post(f"/items/{item_id}/decide", data={**fields, "action": "reject", "reject_reason": "outside_kazakhstan",
                                                  "reject_note": "Это Кыргызстан"})
    download = client.get("/export", params={"what": "decisions", "format": "csv"})
    assert download.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0]["reject_reason"] == "outside_kazakhstan" and rows[0]["reject_note"] == "Это Кыргызстан"
    jsonl = client.get("/export", params={"what": "decisions", "format": "jsonl"}).text
    assert '"reject_note": "Это Кыргызстан"' in jsonl and not jsonl.startswith("\ufeff")


# -- language, time, defaults -----------------------------------------------------------
def test_claim_times_are_shown_in_almaty(server):
    base, store = server
    page = signed_in_client(base, "alice").get(f"/items/{item_id_by_url(store, DETAINED)}").text
    until = store.db.execute("SELECT claimed_until FROM review_items WHERE claimed_by IS NOT NULL").fetchone()[0]
    almaty = (datetime.fromisoformat(until) + timedelta(hours=5)).strftime("%H:%M")
    assert f"до {almaty}." in page and "UTC" not in page


def test_reports_page_opens_on_the_latest_month_with_confirmed_incidents(server):
    base, store = server
    alice = users(store)["alice"]
    decide(store, item_id_by_url(store, DETAINED), alice, 1, "confirm",
           {"categories": ["A.detention"], "incident_date": "2025-03-02"})
    assert latest_month(store) == "2025-03"
    page = signed_in_client(base, "alice").get("/reports").text
    assert 'data-period="2025-03"' in page and "Журналиста задержали в Уральске" in page


@pytest.mark.parametrize("month", ["24-09", "2024-9", "2024-13", "1999-12", "2024-09x"])
def test_reports_page_refuses_a_malformed_month(server, month):
    base, _ = server
    assert signed_in_client(base, "alice").get("/reports", params={"month": month}).status_code == 400
