"""The sources registry and its checks, URL identity, politeness helpers, the health table
and the scheduler's rules (due sources, a failing source, one crawl per source)."""
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.middlewares import retry_after_seconds
from crawler.sources import DEFAULT_SOURCES, load_sources, validate_sources
from crawler.stories import StoryIndex, signature
from crawler.urls import canonical_url, url_key
from review_queue.storage import crawl_state
from review_queue.storage.store import Store
from sozwatch import crawl as crawl_module
from sozwatch.cli.sources import status_rows
from sozwatch.config import Config

from .conftest import ROOT, sozwatch_cmd
from .fixtures.sites import article_text


def test_shipped_registry_covers_the_kazakh_media_landscape():
    assert validate_sources(DEFAULT_SOURCES) == []
    sources = load_sources(DEFAULT_SOURCES)
    news = [s for s in sources if s.kind == "news"]
    assert len(news) >= 60 and len([s for s in sources if s.kind == "telegram"]) >= 10
    assert len([s for s in news if s.languages == ["kk"]]) >= 20
    assert {"kk", "ru", "en"} <= {lang for s in news for lang in s.languages}
    assert len({s.region for s in news}) >= 8  # national and regional outlets
    names = {s.name for s in sources}
    assert {"kaztag", "orda-kz", "azattyq-kk", "azattyq-ru", "vlast-kz", "uralweek"} <= names
    assert any("sud.gov.kz" in u for s in sources if s.kind == "court" for u in s.start_urls)
    assert any("office.sud.kz" in u for s in sources if s.kind == "court" for u in s.start_urls)


BROKEN = """sources:
  - name: good-one
    feeds: ["https://example.kz/rss"]
  - name: Bad Name
    feeds: ["ftp://example.kz/rss"]
    concurency: 2
  - name: good-one
    kind: telegram
  - name: court-x
    kind: court
    start_urls: ["https://sud.example/list"]
    court: {row: "tr"}
"""


def test_validate_reports_each_mistake_with_its_line_and_exits_1(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    done = subprocess.run([*sozwatch_cmd(), "sources", "validate", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert f"{path}:4: name 'Bad Name': use lower-case letters, digits, '-', '_' or '.'" in lines
    assert any(line.startswith(f"{path}:5: feeds: not an http(s) URL") for line in lines)
    assert any(line.startswith(f"{path}:6: unknown key 'concurency'") and "concurrency" in line for line in lines)
    assert any(line.startswith(f"{path}:7: duplicate name 'good-one'") for line in lines)
    assert any(":7: telegram source 'good-one' needs 'channel'" in line for line in lines)
    assert any(":12: court: needs 'row'" in line for line in lines)


EVIDENCE = """sources:
  - name: checked
    feeds:
      - {url: "https://checked.example.kz/rss", verified: "owner/repo/feeds.py"}
      - https://checked.example.kz/guessed.xml
  - name: tg-plain
    kind: telegram
    channel: plainchannel
  - name: tg-checked
    kind: telegram
    channel: {name: checkedchannel, verified: "owner/repo/channels.py"}
"""


def test_validate_evidence_lists_plain_urls_and_channels_but_not_verified_ones(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(EVIDENCE, encoding="utf-8")
    done = subprocess.run([*sozwatch_cmd(), "sources", "validate", "--evidence", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.split() == ["checked", f"{path}:5", "https://checked.example.kz/guessed.xml"] for line in lines)
    assert any(line.split() == ["tg-plain", f"{path}:8", "https://t.me/s/plainchannel"] for line in lines)
    assert "https://checked.example.kz/rss" not in done.stdout and "checkedchannel" not in done.stdout
    assert lines[-1] == "2 of 4 URLs and channels unverified (2 with evidence)"


def test_validate_refuses_empty_evidence(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text('sources:\n  - name: x\n    feeds: [{url: "https://x.kz/rss", verified: ""}]\n', encoding="utf-8")
    assert [p.line for p in validate_sources(path)] == [3]


def test_validate_passes_a_file_written_by_the_demo_sites(tmp_path):
    from crawler.demo_sites.server import DemoSites
    with DemoSites() as demo:
        demo.write_sources(tmp_path / "s.yaml")
    assert validate_sources(tmp_path / "s.yaml") == []


@pytest.mark.parametrize("variant", [
    "https://www.vlast.kz/novosti/123-x/", "http://vlast.kz/novosti/123-x?utm_source=tg&utm_medium=post",
    "https://m.vlast.kz/novosti/123-x", "https://vlast.kz/amp/novosti/123-x", "https://vlast.kz/novosti/123-x/amp/",
    "https://amp.vlast.kz/novosti/123-x?amp=1", "https://vlast.kz/novosti/123-x#comments"])
def test_spellings_of_one_article_share_a_key(variant):
    assert url_key(variant) == url_key("https://vlast.kz/novosti/123-x")


def test_canonical_url_drops_tracking_but_keeps_the_articles_own_query():
    assert canonical_url("https://site.kz/news.php?utm_campaign=x&id=5&fbclid=y") == "https://site.kz/news.php?id=5"


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2024, 11, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Fri, 01 Nov 2024 12:01:30 GMT", now=now) == 90
    assert retry_after_seconds(b"soon") is None


def test_unrelated_stories_on_one_topic_are_not_linked():
    index = StoryIndex()
    index.add(1, "story-1", signature(" ".join(article_text(1))))
    assert index.story_for(signature(" ".join(article_text(2)))) is None
    assert index.story_for(signature("Перепечатка. " + " ".join(article_text(1)) + " Подписывайтесь!")) == "story-1"


def _record(store, source, started, reason="finished", new=0, errors=None):
    crawl_state.record_run(store, source, "news", started.isoformat(), reason, fetched=5, new_items=new,
                           error_kinds=errors or {}, stats={})


def test_status_flags_silent_failing_and_dead_sources(tmp_path):
    names = ("lively", "silent", "broken", "new", "never-stored", "dead", "flaky", "unresolvable")
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n" + "".join(
        f"  - {{name: {n}, feeds: ['https://{n}.kz/rss'], max_silence: 2d}}\n" for n in names))
    store = Store(tmp_path / "q.db")
    now = datetime.now(timezone.utc)
    _record(store, "lively", now - timedelta(hours=1), new=3)
    _record(store, "silent", now - timedelta(days=5), new=2)
    _record(store, "silent", now - timedelta(hours=1), new=0)
    _record(store, "broken", now - timedelta(hours=1), reason="shutdown", errors={"timeout": 5})
    # runs every hour for three days, finishing every time, and never stored anything
    for hours in (72, 24, 1):
        _record(store, "never-stored", now - timedelta(hours=hours))
    # stored once, then its last three runs failed: every fetch an error
    _record(store, "dead", now - timedelta(hours=4), new=5)
    for hours in (3, 2, 1):
        _record(store, "dead", now - timedelta(hours=hours), errors={"http_503": 5})
    # one failed run among good ones is not yet a failing source
    _record(store, "flaky", now - timedelta(hours=3), new=1)
    _record(store, "flaky", now - timedelta(hours=2), errors={"http_503": 5})
    _record(store, "flaky", now - timedelta(hours=1), new=1)
    crawl_state.record_run(store, "unresolvable", "news", now.isoformat(), "finished", fetched=0, new_items=0,
                           error_kinds={"dns": 2}, stats={})
    store.close()
    rows = {r["source"]: r for r in status_rows(tmp_path / "q.db", sources)}
    assert rows["lively"]["flag"] == "" and rows["lively"]["new"] == 3
    assert rows["silent"]["flag"] == "SILENT > 2d"
    assert rows["broken"]["flag"].startswith("FAILING") and rows["broken"]["errors"] == {"timeout": 5}
    assert rows["new"]["flag"] == "never crawled"
    assert rows["never-stored"]["flag"] == "SILENT: nothing stored in 2d"
    assert rows["dead"]["flag"] == "FAILING: last 3 runs failed"
    assert rows["flaky"]["flag"] == ""
    assert rows["unresolvable"]["flag"] == "UNREACHABLE: host does not resolve"
    done = subprocess.run([*sozwatch_cmd(), "sources", "status", "--check", "--db", str(tmp_path / "q.db"),
                           "--sources", str(sources)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1 and "SILENT: nothing stored in 2d" in done.stdout
    assert "6 source(s) flagged" in done.stderr


def test_schedule_runs_due_sources_and_survives_a_failing_one(tmp_path, monkeypatch):
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - {name: hourly, feeds: ['https://a.kz/rss'], interval: 1h}\n"
                       "  - {name: fails, feeds: ['https://b.kz/rss'], interval: 1h}\n"
                       "  - {name: done-recently, feeds: ['https://c.kz/rss'], interval: 6h}\n")
    store = Store(tmp_path / "q.db")
    _record(store, "hourly", datetime.now(timezone.utc) - timedelta(hours=2))
    _record(store, "done-recently", datetime.now(timezone.utc) - timedelta(hours=1))
    store.close()
    ran = []

    def fake_run_source(config, name, timeout):
        ran.append(name)
        if name == "fails":
            raise OSError("crawler crashed")
        return 0, "fetched 3 pages"

    monkeypatch.setattr(crawl_module, "run_source", fake_run_source)
    lines = []
    config = Config(db=tmp_path / "q.db", sources=sources)
    failed = crawl_module.run_schedule(config, once=True, jobs=2, echo=lines.append)
    assert sorted(ran) == ["fails", "hourly"] and failed == 1
    assert any("fails: FAILED" in line and "crawler crashed" in line for line in lines)
    assert any("hourly: ok" in line for line in lines)


def test_a_source_being_crawled_is_not_crawled_twice(tmp_path):
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - {name: busy, feeds: ['http://127.0.0.1:9/rss']}\n")
    config = Config(db=tmp_path / "q.db", sources=sources)
    with crawl_module.source_lock(config.db, "busy"):
        result = crawl_module.run_crawl(config, classify=False)  # returns before starting Scrapy
    assert result.skipped_locked == ["busy"] and result.pages_fetched == 0


def test_a_crawl_skipped_for_a_lock_says_so_rather_than_fetched_0_pages(tmp_path):
    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - {name: busy, feeds: ['http://127.0.0.1:9/rss']}\n")
    with crawl_module.source_lock(tmp_path / "q.db", "busy"):
        done = subprocess.run([*sozwatch_cmd(), "--db", str(tmp_path / "q.db"), "crawl", "--no-classify",
                               "--sources", str(sources)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    # the last line is what the scheduler logs for the run
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1] == "skipped (already being crawled): busy"
    assert "fetched 0 pages" not in done.stdout


def test_since_accepts_ages_and_dates():
    now = datetime(2024, 11, 10, tzinfo=timezone.utc)
    assert crawl_module.parse_since("7d", now=now) == "2024-11-03T00:00:00+00:00"
    assert crawl_module.parse_since("2024-11-01", now=now) == "2024-11-01T00:00:00+00:00"
    with pytest.raises(ValueError):
        crawl_module.parse_since("last week")


def test_crawl_command_lists_the_new_options():
    done = subprocess.run([*sozwatch_cmd(), "crawl", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert all(flag in done.stdout for flag in ("--source", "--since", "--no-classify"))
    assert Path(DEFAULT_SOURCES).exists()
