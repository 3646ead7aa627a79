"""Every page of the review app in Russian and Kazakh carries no English interface text: each page is
rendered for a monitor and an admin, the crawled articles' own words are taken out, and any Latin-script
word left must be a proper name or a code on the list below."""
import re
from html import unescape

import httpx
import pytest

from review_queue.learning.agreement import set_double_review
from review_queue.review.decisions import decide
from review_queue.review.users import list_users, set_language

from .browser.support import ARTICLES, decision_form, item_id_by_url, live_server, seed, signed_in_client

# Proper names and codes that stay Latin in every language.
ALLOWED = {
    "Sozwatch", "English", "CSV", "JSON", "Lines", "JSONL", "MD", "HTML", "CSRF", "http", "https", "Enter", "Esc",
    "j", "k", "c", "x", "n", "s", "o", "alice", "bob", "carol", "test-1", "Oral", "DDoS",
}
CODE = re.compile(r"^[ABC](\.[a-z_]+)?$")      # category and group codes (A.detention, B)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.'’-]*[A-Za-z0-9]|[A-Za-z]")


def visible_text(html: str) -> str:
    """What a reader sees or hears: text outside tags, scripts and styles, and the attributes a browser shows."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    shown = re.findall(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"', html)
    return unescape(" ".join([re.sub(r"<[^>]+>", " ", html), *shown]))


def crawled_words() -> set[str]:
    """Words of the seeded articles (titles, texts, sources, URLs): data, shown as it was published."""
    text = " ".join(" ".join(str(part) for part in article[:5]) for article in ARTICLES)
    return set(WORD.findall(text))


def english_words(html: str) -> set[str]:
    data = crawled_words()
    return {w for w in WORD.findall(visible_text(html))
            if w not in ALLOWED and w not in data and not CODE.match(w) and not w.endswith((".kz", ".example"))}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """{(lang, page name): html} for every page, as an admin and as a monitor."""
    db = tmp_path_factory.mktemp("langs") / "queue.db"
    store = seed(db, extra_users=("bob", "carol"))
    who = {u.username: u for u in list_users(store)}
    detained = item_id_by_url(store, "https://kz.example/detained")
    blocked = item_id_by_url(store, "https://kz.example/site-blocked")
    threats = item_id_by_url(store, "https://kz.example/threats")
    decide(store, detained, who["alice"], 1, "confirm", {"categories": ["A.detention"], "incident_date": "2025-03-02",
                                                         "victims": ["Аяна Ахметова"]})
    decide(store, blocked, who["bob"], 1, "reject", {"reject_reason": "other", "reject_note": "—"})
    set_double_review(store, threats)
    decide(store, threats, who["bob"], 1, "confirm", {"categories": ["A.threat"]})
    decide(store, threats, who["carol"], 2, "reject", {"reject_reason": "not_incident"})
    lawsuit = item_id_by_url(store, "https://kz.example/lawsuit")
    out = {}
    with live_server(db) as base:
        out[("ru", "login")] = httpx.get(base + "/login").text
        out[("ru", "signed out")] = httpx.post(base + "/logout").text
        for lang in ("ru", "kk"):
            for name in ("alice", "bob", "carol"):
                set_language(store, who[name].id, lang)
            admin, monitor = signed_in_client(base, "alice"), signed_in_client(base, "bob")
            monitor.get(f"/items/{lawsuit}")                      # bob holds it: alice sees "taken"
            for path in ("/queue", "/queue?status=all", "/queue?status=second_opinion", "/queue?q=nothing-matches",
                         f"/items/{detained}", f"/items/{blocked}", f"/items/{threats}", f"/items/{lawsuit}",
                         "/items/999999", "/queue/uncertain", "/reports", "/reports?year=2025", "/admin/agreement",
                         "/queue/next?notice=queue_empty&category=C.criminal", "/queue?notice=Forged+notice",
                         "/reports?month=24-09", "/reports/download?format=pdf", "/export?what=everything"):
                out[(lang, "admin " + path)] = admin.get(path, follow_redirects=True).text
            out[(lang, "monitor /admin/agreement")] = monitor.get("/admin/agreement").text
            out[(lang, "bad input")] = monitor.get("/queue?q=%00").text
            out[(lang, "csrf")] = monitor.post("/logout", data={"csrf_token": "forged"}).text
            fields = decision_form(monitor.get(f"/items/{lawsuit}").text)
            out[(lang, "refused decision")] = monitor.post(f"/items/{lawsuit}/decide",
                                                           data={**fields, "action": "reject"}).text
            out[(lang, "conflict")] = monitor.post(f"/items/{lawsuit}/decide",
                                                   data={**fields, "version": "0", "action": "second_opinion"}).text
    return out


def test_every_page_in_russian_and_kazakh_has_no_english_interface_text(pages):
    leftovers = {key: sorted(english_words(html)) for key, html in pages.items()}
    assert {key: words for key, words in leftovers.items() if words} == {}


def test_the_check_would_catch_an_english_button():
    assert english_words("<button>Agreement</button> <p>Суд A.detention alice</p>") == {"Agreement"}
