"""What an operator relies on, with local servers: a host that does not resolve is tried once
and named once; an endless download is cut, counted `too_large` and not fetched again; a
killed crawl shows as interrupted, opened no listening socket and leaves no process behind; `sources status --check`
flags unreachable sources; a bad sources entry is skipped while the others crawl, and the
scheduler survives a broken sources file."""
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.sources import usable_sources
from sozwatch import crawl as crawl_module
from sozwatch.config import Config

from .conftest import ROOT, sozwatch_cmd
from .fixtures.crawl import FAST, crawl, crawl_args, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss

OFFLINE_DNS = {"DNS_RESOLVER": "tests.fixtures.resolver.OfflineResolver"}
WHEN = datetime(2024, 10, 1, tzinfo=timezone.utc)


def status(db: Path, sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*sozwatch_cmd(), "sources", "status", "--check", "--db", str(db), "--sources", str(sources)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def flags(done: subprocess.CompletedProcess) -> dict[str, str]:
    """{source: flag} from the status table (the flag column is the last)."""
    header, *lines = done.stdout.splitlines()
    return {line.split()[0]: line[header.index("flag"):].strip() for line in lines}


def endless_site() -> Site:
    site = Site()

    def endless(handler, query):
        """A chunked body that never ends (no Content-Length): only the size limit stops it."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"<p>" + b"x" * 16384 + b"</p>"
        try:
            while not site.stopping.is_set():
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass
        return None

    site.routes.update({
        "/feed.xml": lambda h, q: (200, XML, rss([(site.url("/a/endless"), "endless", WHEN),
                                                  (site.url("/a/fine"), "fine", WHEN)])),
        "/a/endless": endless,
        "/a/fine": (200, HTML, article_html("Обычная статья", article_text(61)).encode()),
    })
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops")
    with endless_site() as site:
        sources = write_sources(tmp / "sources.yaml", [
            {"name": "dead-host", "feeds": ["http://dead-host.invalid/rss", "http://dead-host.invalid/news.xml"]},
            {"name": "endless", "feeds": [site.url("/feed.xml")]}])
        settings = {**OFFLINE_DNS, "RETRY_TIMES": "2", "DOWNLOAD_MAXSIZE": "200000"}
        first = crawl(tmp / "q.db", sources, settings=settings)
        second = crawl(tmp / "q.db", sources, settings=settings)
        requests = site.paths()
    db = sqlite3.connect(tmp / "q.db")
    db.row_factory = sqlite3.Row
    yield SimpleNamespace(first=first, second=second, requests=requests, db=db, sources=sources, path=tmp / "q.db")
    db.close()


def errors_of(crawled, source: str) -> dict:
    row = crawled.db.execute("SELECT error_kinds FROM crawl_runs WHERE source = ? ORDER BY id LIMIT 1", [source])
    return json.loads(row.fetchone()[0])


def test_a_host_that_does_not_resolve_is_tried_once_and_named_once(crawled):
    assert crawled.first.returncode == 0, crawled.first.stderr[-2000:]
    assert errors_of(crawled, "dead-host") == {"dns": 2}     # both feeds, no retries
    lines = [line for line in crawled.first.stderr.splitlines() if "dead-host.invalid" in line]
    assert len(lines) == 1 and "does not resolve" in lines[0], lines


def test_an_endless_download_counts_as_too_large_and_leaves_the_frontier(crawled):
    assert errors_of(crawled, "endless") == {"too_large": 1}
    outcome = crawled.db.execute("SELECT outcome FROM seen_urls WHERE url LIKE '%/a/endless'").fetchone()
    assert outcome[0] == "too_large"
    assert not crawled.db.execute("SELECT 1 FROM crawl_frontier").fetchone()
    assert crawled.requests.count("/a/endless") == 1          # the second run did not fetch it again


def test_status_check_flags_a_source_whose_host_does_not_resolve(crawled):
    done = status(crawled.path, crawled.sources)
    assert done.returncode == 1
    assert flags(done) == {"dead-host": "UNREACHABLE: host does not resolve", "endless": ""}


# -- a crawl killed in the middle -----------------------------------------------------------
def listening_ports(pid: int) -> set[int]:
    """TCP ports the process listens on: its socket inodes looked up in /proc/<pid>/net/tcp{,6}."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        for line in path.read_text().splitlines()[1:] if path.exists() else ():
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:   # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stored_articles(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:   # not created yet
        return 0


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A crawl caught while it waits for a slow article (a quick one stored, so its page-reading
    process runs), its sockets and child processes listed, then SIGKILLed."""
    tmp = tmp_path_factory.mktemp("killed")
    arrived, release = threading.Event(), threading.Event()

    def slow(handler, query):
        arrived.set()
        release.wait(30)
        return 200, HTML, article_html("Медленная", article_text(62)).encode()

    site = Site({"/a/slow": slow, "/a/quick": (200, HTML, article_html("Быстрая", article_text(63)).encode())})
    site.routes["/feed.xml"] = lambda h, q: (200, XML, rss([(site.url("/a/quick"), "quick", WHEN),
                                                            (site.url("/a/slow"), "slow", WHEN)]))
    with site:
        sources = write_sources(tmp / "sources.yaml", [{"name": "slow-site", "feeds": [site.url("/feed.xml")]}])
        settings = {**FAST, "DOWNLOAD_TIMEOUT": "30", "SOZWATCH_EXTRACT_PROCESSES": "1"}
        args = crawl_args(tmp / "q.db", sources)
        args += [a for name, value in settings.items() for a in ("-s", f"{name}={value}")]
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert arrived.wait(60), "the crawl never asked for the slow article"
            deadline = time.monotonic() + 60
            while stored_articles(tmp / "q.db") < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            readers = children(process.pid)
            ports = set().union(*(listening_ports(pid) for pid in [process.pid, *readers]))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            release.set()
        deadline = time.monotonic() + 20
        while any(map(running, readers)) and time.monotonic() < deadline:
            time.sleep(0.2)
    yield SimpleNamespace(ports=ports, db=tmp / "q.db", sources=sources, readers=readers,
                          readers_left=[pid for pid in readers if running(pid)])


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="reads Linux's /proc")
def test_a_crawl_opens_no_listening_socket(killed):
    # Scrapy's telnet console and its remote-control server (2.19) would each listen here; the
    # page-reading processes talk to the crawl over pipes
    assert killed.ports == set()


def test_a_killed_crawls_page_reading_process_ends_with_it(killed):
    assert killed.readers, "the crawl started no page-reading process"
    assert killed.readers_left == []


def test_a_killed_crawl_shows_as_interrupted(killed):
    done = status(killed.db, killed.sources)
    assert done.returncode == 1 and flags(done)["slow-site"].startswith("INTERRUPTED")


# -- the sources file ------------------------------------------------------------------------
def test_a_bad_sources_entry_is_reported_and_skipped_while_the_others_crawl(tmp_path):
    with Site() as site:
        site.routes["/feed.xml"] = lambda h, q: (200, XML, rss([(site.url("/a/1"), "1", WHEN)]))
        site.routes["/a/1"] = (200, HTML, article_html("Хорошая", article_text(63)).encode())
        sources = tmp_path / "sources.yaml"
        sources.write_text("sources:\n"
                           f"  - name: good\n    feeds: ['{site.url('/feed.xml')}']\n"
                           "  - name: typo\n    feds: ['https://typo.kz/rss']\n", encoding="utf-8")
        done = crawl(tmp_path / "q.db", sources)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stored 1 new articles" in done.stdout
    assert f"{sources}:5: unknown key 'feds' (source skipped)" in done.stderr


class Stop(Exception):
    pass


def test_the_scheduler_keeps_the_last_good_file_and_skips_a_bad_entry(tmp_path, monkeypatch):
    """The scheduler in this process, its crawls replaced by a record of what each child would
    read; each tick one edit of the sources file."""
    sources = tmp_path / "sources.yaml"
    good = "sources:\n  - {name: first, feeds: ['https://first.kz/rss'], interval: 1s}\n"
    edits = [good + "  - {name: broken, feeds: [\n",                  # a half-saved edit: not YAML
             good + "  - {name: second, feeds: ['https://second.kz/rss']}\n"
                    "  - {name: third, feeds: ['https://third.kz/rss'], intervall: 1h}\n"]
    sources.write_text(good, encoding="utf-8")
    crawled = []

    def child(config, name, timeout):
        usable_sources(config.sources, [name])   # the child would find its source there
        crawled.append((name, "the file" if config.sources == sources else "a copy"))
        return 0, "fetched 1 pages"

    pause = time.sleep

    def tick(seconds):
        if not edits:
            raise Stop
        pause(1.1)   # `first` is due again
        sources.write_text(edits.pop(0), encoding="utf-8")

    monkeypatch.setattr(crawl_module, "run_source", child)
    monkeypatch.setattr(crawl_module.time, "sleep", tick)
    lines = []
    with pytest.raises(Stop):
        crawl_module.run_schedule(Config(db=tmp_path / "q.db", sources=sources), tick=1, echo=lines.append)
    # each child could read its source: from the file, or from the last good copy while it was broken
    assert crawled[:2] == [("first", "the file"), ("first", "a copy")]
    assert sorted(crawled[2:]) == [("first", "the file"), ("second", "the file")]
    assert any("sources file unusable, keeping the last good configuration (1 sources)" in line for line in lines)
    assert any(f"{sources}:4: unknown key 'intervall'" in line and "(source skipped)" in line for line in lines)
