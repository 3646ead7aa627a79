"""Queue search (issue 16) on SQLite and PostgreSQL: a word in one grammatical form finds articles
that use another (Russian and Kazakh names, places, common nouns), Kazakh typed without Kazakh
letters finds Kazakh text, unrelated words find nothing; title matches come first; matched words
are marked, and crawled text stays escaped. The sentences are written for these tests."""
from __future__ import annotations

import re

import pytest

from classifiers.triggers import fold as classifier_fold
from review_queue.rendering import highlight, search_hits
from review_queue.review.queue_view import QueueFilter, list_queue, neighbour
from review_queue.storage.bulk import bulk_add_candidates
from review_queue.storage.search_terms import fold as search_fold
from review_queue.storage.store import Store

from .browser.support import item_id_by_url, live_server, seed, signed_in_client
from .fixtures.postgres import any_url, create_database, postgres_bin, server  # noqa: F401 - fixtures

# (the form a monitor types, an article's text using another form of the same word)
RUSSIAN = [
    ("Байтелова", "Суд оштрафовал журналистку Асель Байтелову за пост."),
    ("Байтеловой", "Асель Байтелова подала апелляцию."),
    ("Мамырову", "Блогер Ерлан Мамыров получил предупреждение."),
    ("Сергеевым", "Главный редактор Сергеев подал иск."),
    ("Шымкент", "Пресс-конференция в Шымкенте сорвалась."),
    ("Караганде", "Из Караганды сообщают о проверке."),
    ("Уральск", "В Уральске заблокировали сайт газеты."),
    ("Алмате", "Алматы: аккредитацию отозвали."),
    ("журналистов", "Журналист пожаловался на давление."),
    ("редакции", "Редакция получила письмо."),
    ("задержании", "Задержание оператора длилось три часа."),
    ("штрафа", "Телеканалу назначили штраф."),
    ("страна", "Жители страны обсуждают закон о СМИ."),
]
KAZAKH = [
    ("Ақтөбедегі", "Ақтөбе облысында тілшіге шабуыл жасалды."),
    ("Ақтөбе", "Ақтөбедегі газет жабылды."),
    ("Алматыда", "Алматы әкімдігі сұраққа жауап бермеді."),
    ("тілшілер", "Тілшіні полиция ұстады."),
    ("Байтелованың", "Журналист Байтелова шақырылды."),
    ("соттың", "Сотта іс қаралды."),
    ("Қарағандыда", "Қарағанды облыстық басылымы тексерілді."),
    ("Шымкенттегі", "Шымкент телеарнасы бұғатталды."),
    ("Астанадағы", "Астана қаласында брифинг өтті."),
    ("редакциясына", "Редакция хат алды."),
    ("блогерді", "Блогер айыппұл төледі."),
    ("Атыраудағы", "Атырау порталы жабылды."),
    ("газеттің", "Газет тиражы тәркіленді."),
    ("журналистерге", "Журналист шағым түсірді."),
]
ENGLISH = [
    ("detained", "Police detain two reporters."),
    ("journalists", "A journalist was fined."),
    ("blocking", "The news site was blocked."),
]
# Kazakh typed with Russian letters only (no ә, қ, ө, ұ, і…)
WITHOUT_KAZAKH_LETTERS = [
    ("Актобедеги", "Ақтөбе облысында тілшіге шабуыл жасалды."),
    ("тилшилер", "Тілшіні полиция ұстады."),
    ("Карагандыда", "Қарағанды облыстық басылымы тексерілді."),
    ("сотка", "Сотта іс қаралды."),
    ("бугатталды", "Шымкент телеарнасы бұғатталды."),
]
HOSTILE_URL = "javascript:alert(document.cookie)"   # the seeded hostile article (tests/browser/support.py)
NO_MATCH = ["землетрясение", "Байтеленов", "сотрудник", "журнал", "Павлодар", "Байтелова Павлодар", "су"]

TEXTS = sorted({text for _, text in RUSSIAN + KAZAKH + ENGLISH + WITHOUT_KAZAKH_LETTERS})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request, tmp_path_factory):
    """One queue per backend with an article per sentence (its title says nothing), shared by the module."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("search") / "queue.db")
    else:
        if postgres_bin() is None:
            pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")
        url = create_database(request.getfixturevalue("server"), "search_corpus")
    store = Store(url)
    bulk_add_candidates(store, [{"url": f"https://kz.example/s{i}", "source": "s.kz", "lang": "kk", "title": f"№{i}",
                                 "text": text, "published": "2025-01-01", "relevance": 0.5,
                                 "categories": ["A.threat"], "priority": 1.0} for i, text in enumerate(TEXTS)])
    yield store
    store.close()


def found(store: Store, query: str) -> set[str]:
    page = list_queue(store, QueueFilter(status="all", q=query), limit=100)
    assert page["total"] == str(len(page["items"]))
    return {TEXTS[int(row["title"][1:])] for row in page["items"]}


@pytest.mark.parametrize("query, text", RUSSIAN, ids=[q for q, _ in RUSSIAN])
def test_a_russian_word_finds_its_other_forms(corpus, query, text):
    assert text in found(corpus, query)


@pytest.mark.parametrize("query, text", KAZAKH, ids=[q for q, _ in KAZAKH])
def test_a_kazakh_word_finds_its_other_forms(corpus, query, text):
    assert text in found(corpus, query)


@pytest.mark.parametrize("query, text", ENGLISH, ids=[q for q, _ in ENGLISH])
def test_an_english_word_finds_its_other_forms(corpus, query, text):
    assert text in found(corpus, query)


@pytest.mark.parametrize("query, text", WITHOUT_KAZAKH_LETTERS, ids=[q for q, _ in WITHOUT_KAZAKH_LETTERS])
def test_kazakh_typed_without_kazakh_letters_finds_kazakh_text(corpus, query, text):
    assert text in found(corpus, query)


@pytest.mark.parametrize("query", NO_MATCH)
def test_a_word_that_no_article_uses_in_any_form_finds_nothing(corpus, query):
    assert found(corpus, query) == set()


def test_the_search_folds_kazakh_letters_as_the_classifier_does():
    letters = "әғқңөұүһіёӘҒҚҢӨҰҮҺІЁ"     # storage may not import classifiers/, so it keeps its own table
    assert [search_fold(c) for c in letters] == [classifier_fold(c) for c in letters]
    assert search_fold("Ақтөбедегі") == "актобедеги"


def test_every_word_of_a_query_must_match(corpus):
    assert found(corpus, "Асель апелляция") == {"Асель Байтелова подала апелляцию."}


def test_the_migration_indexes_the_articles_stored_before_it(any_url, monkeypatch):
    from review_queue.storage import migrations
    earlier = migrations.MIGRATIONS[:migrations.MIGRATIONS.index(migrations.m816_search_stems)]
    monkeypatch.setattr(migrations, "MIGRATIONS", earlier)
    old = Store(any_url)        # a database as it was before m816, with an article queued
    article_id = old.db.execute(
        "INSERT INTO articles (url, source, lang, title, text, published, fetched_at, content_hash) "
        "VALUES ('https://kz.example/old', 's.kz', 'kk', 'Ақтөбедегі сот', 'Тілшіні полиция ұстады.', "
        "'2025-01-01', '2025-01-01', 'h')").lastrowid
    old.db.execute("INSERT INTO predictions (article_id, model_version, relevance, is_candidate, scores, categories, "
                   "created_at) VALUES (?, 'm', 0.9, 1, '{}', '[]', '2025-01-01')", [article_id])
    old.db.execute("INSERT INTO review_items (article_id, status, priority, created_at, updated_at) "
                   "VALUES (?, 'pending', 1.0, '2025-01-01', '2025-01-01')", [article_id])
    old.close()
    monkeypatch.undo()
    store = Store(any_url)
    assert "m816_search_stems" in {name for (name,) in store.db.execute("SELECT name FROM _migrations")}
    titles = lambda q: [r["title"] for r in list_queue(store, QueueFilter(q=q))["items"]]  # noqa: E731
    assert titles("Ақтөбе тілшілер") == titles("актобедеги") == ["Ақтөбедегі сот"]
    assert titles("Павлодар") == []
    store.close()


@pytest.fixture
def ranked(any_url):
    """Four matches of «Байтелова»: two in the title (low priority), two only in the text (high)."""
    store = Store(any_url)
    rows = [("Байтеловой отказали", "Текст.", 0.2), ("Дело Байтеловой", "Текст.", 0.1),
            ("Новости", "Суд над Байтеловой.", 3.0), ("Хроника", "Байтелова в суде.", 2.0),
            ("Погода", "Без имён.", 5.0)]
    bulk_add_candidates(store, [{"url": f"https://kz.example/r{i}", "source": "s.kz", "lang": "ru", "title": title,
                                 "text": text, "published": "2025-01-01", "relevance": 0.5,
                                 "categories": ["A.threat"], "priority": priority}
                                for i, (title, text, priority) in enumerate(rows)])
    yield store
    store.close()


def test_title_matches_come_first_then_priority_across_pages(ranked):
    f = QueueFilter(status="all", q="байтелова")
    titles, cursor = [], None
    for _ in range(5):
        page = list_queue(ranked, f, after=cursor, limit=1)
        titles += [row["title"] for row in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert titles == ["Байтеловой отказали", "Дело Байтеловой", "Новости", "Хроника"]
    assert list_queue(ranked, f, limit=10)["total"] == "4"


def test_next_and_previous_item_follow_the_search_order(ranked):
    f = QueueFilter(status="all", q="байтелова")
    items = list_queue(ranked, f, limit=10)["items"]
    forward = [neighbour(ranked, f, item, forward=True) for item in items]
    backward = [neighbour(ranked, f, item, forward=False) for item in items]
    assert [row and row["id"] for row in forward] == [row["id"] for row in items[1:]] + [None]
    assert [row and row["id"] for row in backward] == [None] + [row["id"] for row in items[:-1]]


def test_matched_words_are_marked_and_everything_else_escaped():
    text = '<script>alert(1)</script> Байтеловой & «Ақтөбедегі» Байтеленов'
    assert search_hits(text, "Байтелова актобе") == (
        '&lt;script&gt;alert(1)&lt;/script&gt; <mark class="hit">Байтеловой</mark> &amp; '
        '«<mark class="hit">Ақтөбедегі</mark>» Байтеленов')
    assert search_hits("<b>x</b>", "") == "&lt;b&gt;x&lt;/b&gt;"


def test_search_marks_sit_inside_evidence_marks():
    html = highlight("Тілшіні <i>ұстады</i>. Басқа.", {"A.detention": ["Тілшіні <i>ұстады</i>."]},
                     lambda code: code, query="тилши")
    assert html == ('<mark class="ev ev-0" data-category="A.detention" title="A.detention">'
                    '<mark class="hit">Тілшіні</mark> &lt;i&gt;ұстады&lt;/i&gt;.</mark> Басқа.')


def test_the_queue_and_item_pages_mark_the_matched_words(tmp_path):
    store = seed(tmp_path / "queue.db")     # (this module's `server` fixture is PostgreSQL's)
    with live_server(tmp_path / "queue.db") as base:
        client = signed_in_client(base, "alice")
        queue = client.get("/queue", params={"q": "блогеру"}).text
        item = client.get(f"/items/{item_id_by_url(store, HOSTILE_URL)}", params={"q": "блогеру"}).text
    assert re.search(r'<a class="item-link"[^>]*>Суд &lt;script&gt;.*над <mark class="hit">блогером</mark></a>', queue)
    assert '<mark class="hit">блогером</mark></h1>' in item
    assert '<mark class="hit">Блогера</mark> оштрафовали' in item and "<script>window" not in item
