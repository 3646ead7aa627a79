"""Entry points: run a crawl in this process and return its figures; the scheduler that runs each
source at its interval."""
from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import CannotResolveHostError
from scrapy.settings import Settings

from crawler import stats as source_stats
from crawler.sources import Source, SourcesError, read_sources, usable_sources
from review_queue.storage import crawl_state
from review_queue.storage.store import Store

from .config import Config

log = logging.getLogger(__name__)
SPIDER_FOR_KIND = {"news": "news", "telegram": "telegram", "court": "court"}


class _WithoutTraceback(logging.Filter):
    """Scrapy's robots.txt middleware logs a dead host's whole traceback; its message
    already names the request and the error, which is all an operator needs. A host that
    does not resolve is reported once by DeadHostMiddleware, so not here."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        record.exc_info, record.exc_text = None, None
        return not isinstance(error, CannotResolveHostError)


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_WithoutTraceback())


@dataclass
class CrawlResult:
    pages_fetched: int
    articles_stored: int
    candidates: int
    errors: int
    finish_reason: str
    court_notices: int = 0
    skipped_locked: list[str] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)   # pages refused as not articles, per reason

    def refusals_line(self) -> str:
        """"3 refused (listing_page 2, no_text 1)": what the crawl fetched and did not store."""
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.refusals.items()))
        return f"{sum(self.refusals.values())} refused" + (f" ({reasons})" if reasons else "")


def scrapy_settings(config: Config, **overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("SOZWATCH_DB", str(config.db), priority="cmdline")
    settings.set("SOZWATCH_SOURCES", str(config.sources), priority="cmdline")
    settings.set("SOZWATCH_MODELS_DIR", str(config.models_dir), priority="cmdline")
    settings.set("LOG_LEVEL", config.log_level, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def parse_since(value: str | None, now: datetime | None = None) -> str | None:
    """'7d', '12h' or an ISO date → an ISO datetime; None stays None."""
    if not value:
        return None
    from crawler.sources import parse_duration
    try:
        delta = parse_duration(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"--since: expected a date (2024-11-01) or an age (7d, 12h), got {value!r}") from None
        return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).isoformat()
    return ((now or datetime.now(timezone.utc)) - delta).isoformat(timespec="seconds")


def source_lock(db: Path, name: str) -> FileLock:
    """Held while a source is crawled: no two crawls of one source at once, cron or scheduler."""
    from review_queue.storage.dialect import is_postgres_url
    if is_postgres_url(db):   # a server database: the locks live in this machine's temp folder
        import hashlib
        import tempfile
        folder = Path(tempfile.gettempdir()) / f"sozwatch-locks-{hashlib.sha1(str(db).encode()).hexdigest()[:12]}"
    else:
        folder = Path(str(db) + ".locks")
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(str(folder / f"{name}.lock"))


def run_crawl(config: Config, names: list[str] | None = None, since: str | None = None,
              classify: bool = True, quiet: bool = False, workers: str | None = None,
              crawl_id: str | None = None, **overrides) -> CrawlResult:
    """Crawl the sources (all in config.sources, or `names`) into config.db. Blocks until done.

    Scrapy's reactor runs once per process, so call this once per process. A source that
    another crawl holds is skipped (reported in `skipped_locked`). `quiet`: Scrapy logs
    warnings only (cron); sozwatch's own messages keep the configured level.
    `workers`: a redis:// URL; this process is then one of several workers sharing one frontier
    there (crawler/distributed.py), and the per-source lock is left to Redis."""
    # a bad entry is reported (FILE:LINE) and skipped; the others crawl. A file that is unusable as
    # a whole, or a named source that is missing or bad, fails now …
    sources = usable_sources(config.sources, names, report=lambda line: log.error("%s (source skipped)", line))
    if workers:
        from crawler.distributed import check_redis, default_crawl_id, redis_settings
        check_redis(workers)                        # … or an unreachable Redis
        idle = float(overrides.pop("SOZWATCH_WORKER_IDLE", 10.0))
        overrides = {**redis_settings(workers, crawl_id or default_crawl_id(), idle), **overrides}
    Store(config.db).close()                        # create / migrate the database once, up front
    if not classify:
        return _crawl_sources(config, sources, since, quiet, workers, overrides)
    from .classify import BesideCrawl
    stage = BesideCrawl(config)   # … or a missing model: it loads it first
    try:
        result = _crawl_sources(config, sources, since, quiet, workers, overrides)
    except BaseException:
        stage.stop()
        raise
    result.candidates = stage.finish().candidates   # it drains what this crawl stored
    return result


def _crawl_sources(config: Config, sources: list[Source], since: str | None, quiet: bool, workers: str | None,
                   overrides) -> CrawlResult:
    if workers:   # several workers crawl the same sources at once on purpose
        return _crawl(config, sources, since, quiet, overrides)
    with ExitStack() as locks:
        mine, locked = [], []
        for source in sources:
            lock = source_lock(config.db, source.name)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                log.warning("%s: another crawl of it is running; skipped", source.name)
                locked.append(source.name)
                continue
            locks.callback(lock.release)
            mine.append(source)
        result = _crawl(config, mine, since, quiet, overrides) if mine else _empty()
    result.skipped_locked = locked
    return result


def _empty() -> CrawlResult:
    return CrawlResult(0, 0, 0, 0, "nothing to crawl")


def _crawl(config: Config, sources: list[Source], since: str | None, quiet: bool, overrides) -> CrawlResult:
    # The CLI configured logging once: Scrapy must add no second root handler, and its
    # default of DEBUG for the "scrapy" logger gives way to the configured level.
    settings = scrapy_settings(config, SOZWATCH_SOURCE_NAMES=[s.name for s in sources], SOZWATCH_SINCE=since,
                               LOG_INSTALL_ROOT_HANDLER=False, **overrides)
    scrapy_level = logging.WARNING if quiet else logging.getLevelName(config.log_level)
    logging.disable(scrapy_level - 1)   # Scrapy logs its start-up banner before we can set levels
    try:
        process = CrawlerProcess(settings)
    finally:
        logging.disable(logging.NOTSET)
    logging.getLogger().setLevel(config.log_level)
    logging.getLogger("scrapy").setLevel(scrapy_level)
    crawlers = []
    for kind in sorted({s.kind for s in sources}):
        crawler = process.create_crawler(SPIDER_FOR_KIND[kind])
        process.crawl(crawler)
        crawlers.append(crawler)
    process.start()
    totals: dict[str, int] = {}
    reasons = set()
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        reasons.add(stats.get("finish_reason", "?"))
        for key, value in stats.items():
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
    errors, refusals = 0, Counter()
    for source in sources:
        figures = source_stats.for_source(totals, source.name)
        errors += sum(source_stats.by_kind(figures, "errors/").values())
        refusals.update(source_stats.by_kind(figures, source_stats.REFUSED))
    return CrawlResult(
        pages_fetched=totals.get("downloader/response_count", 0),
        articles_stored=totals.get("sozwatch/articles_stored", 0),
        candidates=0,   # the classify stage's figure (run_crawl)
        errors=errors,
        refusals=dict(refusals),
        finish_reason=",".join(sorted(reasons)),
        court_notices=totals.get("sozwatch/court_notices_stored", 0),
    )


# -- scheduling -------------------------------------------------------------------------------
def due_sources(config: Config, sources: list[Source], now: datetime | None = None) -> list[Source]:
    """Sources whose interval has passed since their last crawl started (or never crawled)."""
    now = now or datetime.now(timezone.utc)
    store = Store(config.db)
    try:
        due = []
        for source in sources:
            last = crawl_state.last_started(store, source.name)
            if last is None or now - last >= source.interval_delta:
                due.append(source)
        return due
    finally:
        store.close()


class SourcesWatch:
    """The scheduler's view of the sources file, read again whenever it changes. A bad entry is
    logged (FILE:LINE) and left out while the others run; a file that becomes unusable as a whole
    (a YAML typo, a half-saved edit) is logged and the last good configuration kept, which the
    child crawls then read from a copy. Only a file unusable from the start is an error."""

    def __init__(self, path: Path, echo):
        self.path, self.echo = Path(path), echo
        self.read: str | None = None          # the text last read, good or not
        self.sources: list[Source] | None = None   # from the last good text
        self.for_children = self.path
        self._copy_dir = tempfile.TemporaryDirectory(prefix="sozwatch-sources-")
        self.copy = Path(self._copy_dir.name) / self.path.name

    def current(self) -> tuple[list[Source], Path]:
        """(the sources to run, the file the child crawls read them from)."""
        try:
            text = self.path.read_text(encoding="utf-8")
            if text == self.read:
                return self.sources, self.for_children
            self.read = text
            sources, problems = read_sources(self.path)
        except (OSError, UnicodeDecodeError, SourcesError) as exc:
            if not isinstance(exc, SourcesError):
                exc = SourcesError(f"cannot read sources file {self.path}: {exc}")
            if self.sources is None:
                raise exc from None
            if self.for_children != self.copy:
                self.echo(f"{_now()} sources file unusable, keeping the last good configuration "
                          f"({len(self.sources)} sources): {exc}")
            self.for_children = self.copy
            return self.sources, self.for_children
        for problem in problems:
            self.echo(f"{_now()} {self.path}:{problem.line}: {problem.message} (source skipped)")
        self.sources, self.for_children = sources, self.path
        self.copy.write_text(text, encoding="utf-8")
        return self.sources, self.for_children


def _now() -> str:
    return f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S}"


def crawl_command(config: Config, name: str) -> list[str]:
    return [sys.executable, "-m", "sozwatch.cli", "--db", str(config.db), "--models-dir", str(config.models_dir),
            "crawl", "--sources", str(config.sources), "--source", name]


def run_source(config: Config, name: str, timeout: float) -> tuple[int, str]:
    """Crawl one source in a child process (Scrapy's reactor runs once per process); (rc, last line)."""
    started = time.monotonic()
    try:
        done = subprocess.run(crawl_command(config, name), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, f"stopped after {timeout:.0f} s"
    lines = (done.stdout.strip() or done.stderr.strip() or "no output").splitlines()
    tail = lines[-1] if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]
    return done.returncode, f"{tail} ({time.monotonic() - started:.0f} s)"


def run_schedule(config: Config, once: bool = False, jobs: int = 2, tick: float = 60.0,
                 timeout: float = 3600.0, echo=print) -> int:
    """Run each due source at its interval, `jobs` at a time; a failing source is logged and
    tried again at its next interval. `once`: one round, then return how many failed.
    The sources file is read again at each tick (SourcesWatch: a bad edit never stops it)."""
    running: set[str] = set()
    attempted: dict[str, datetime] = {}   # a source whose crawl dies before recording a run waits too
    guard = threading.Lock()
    watch = SourcesWatch(config.sources, echo)
    watch.current()   # a file unusable from the start is an error now, not at every tick

    def job(source: Source, child_config: Config) -> int:
        try:
            rc, summary = run_source(child_config, source.name, timeout)
        except Exception as exc:  # noqa: BLE001 - one source's failure must not stop the scheduler
            rc, summary = 1, f"{type(exc).__name__}: {exc}"
        echo(f"{_now()} {source.name}: {'ok' if rc == 0 else f'FAILED (exit {rc})'}: {summary}")
        with guard:
            running.discard(source.name)
        return rc

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while True:
            now = datetime.now(timezone.utc)
            sources, path = watch.current()
            child_config = config.with_flags(sources=str(path))
            with guard:
                due = [s for s in due_sources(config, sources, now) if s.name not in running
                       and now - attempted.get(s.name, datetime.min.replace(tzinfo=timezone.utc)) >= s.interval_delta]
                for source in due:
                    running.add(source.name)
                    attempted[source.name] = now
            futures = [pool.submit(job, source, child_config) for source in due]
            if once:
                return sum(future.result() != 0 for future in futures)
            time.sleep(tick)
