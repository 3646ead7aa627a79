"""Classify stage: a worker that claims pending articles in batches, runs the model once per batch and
stores what it found (predictions, review items, state `done`).

Delivery is at least once and each hand-off atomic: the claim and the results are transactions of
review_queue/storage/classify_state.py, and nothing that matters lives only in this process's
memory. Killed anywhere, a batch is either written whole or its claims run out and another worker
(or this one, restarted) takes it again. A batch that fails is scored again one article at a time,
so one bad article does not hold back the rest; an article that keeps failing is quarantined.
Several workers (processes here, or machines sharing a PostgreSQL queue) never take the same article.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from review_queue.storage import classify_state
from review_queue.storage.store import Store

log = logging.getLogger(__name__)

BATCH_SIZE = 32        # one model call per batch: e5 embeds a batch far faster than one text at a time
LEASE_SECONDS = 300.0  # a claim older than this is taken to belong to a dead worker
MAX_ATTEMPTS = 3       # failures before an article is quarantined
POLL_SECONDS = 2.0     # --follow: how long to wait when nothing is pending


@dataclass
class Counts:
    """Each outcome counted once: classified (candidates among them), failed attempts, quarantined."""
    classified: int = 0
    candidates: int = 0
    failed: int = 0
    quarantined: int = 0

    def add(self, other: "Counts") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def summary(self) -> str:
        return (f"classified {self.classified} articles; {self.candidates} queued for review; "
                f"{self.failed} failed attempts; {self.quarantined} quarantined")


def _score(understander, articles: list[dict]) -> list:
    """One model call for the articles; the language the crawl stored is not detected again."""
    return understander.understand_many([(a["title"] or "", a["text"] or "") for a in articles],
                                        [a["lang"] for a in articles])


class ClassifyWorker:
    """One worker process: `run` loops claim → understand → write until the queue is empty (or,
    following, until `stop_following` is called). SIGTERM: finish the batch in hand, then stop."""

    def __init__(self, db: Path | str, models_dir: Path | str | None = None, batch_size: int = BATCH_SIZE,
                 lease_seconds: float = LEASE_SECONDS, max_attempts: int = MAX_ATTEMPTS, name: str | None = None):
        self.store = Store(db, durable=False)   # a power cut only means classifying a batch again
        self.models_dir = models_dir
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.counts = Counts()
        self.understander = None
        self._active: str | None = None   # the registry's active version when the model was loaded
        self.follow = False
        self.stopping = False

    def load_model(self):
        """The active model, reloaded when another version was promoted since the last batch."""
        from classifiers.registry import Registry
        from classifiers.understand import Understander
        registry = Registry(self.models_dir) if self.models_dir else Registry()
        active = registry.active_version()
        if self.understander is None or active != self._active:
            self.understander, self._active = Understander.from_registry(registry), active
            log.info("%s: classifying with model %s", self.name, self.understander.version)
        return self.understander

    def run_batch(self) -> int:
        """Claim one batch and classify it; returns how many articles were claimed (0: none pending)."""
        understander = self.load_model()   # before claiming: loading must not eat into the lease
        articles = classify_state.claim(self.store, self.name, self.batch_size, self.lease_seconds)
        if not articles:
            return 0
        started = time.monotonic()
        counts = Counts()
        try:
            results = list(zip([a["id"] for a in articles], _score(understander, articles)))
        except Exception as exc:  # noqa: BLE001 - any model failure: find the article that causes it
            log.warning("%s: a batch of %d failed (%s: %s); scoring its articles one at a time",
                        self.name, len(articles), type(exc).__name__, exc)
            results = []
            for article in articles:
                try:
                    prediction = _score(understander, [article])[0]
                except Exception as exc:  # noqa: BLE001 - recorded on the article, never lost
                    state = classify_state.fail(self.store, self.name, article["id"], f"{type(exc).__name__}: {exc}",
                                                self.max_attempts)
                    counts.failed += 1
                    counts.quarantined += state == classify_state.QUARANTINED
                    continue
                results.append((article["id"], prediction))
        written = set(classify_state.finish(self.store, self.name, understander.version, results))
        counts.classified = len(written)
        counts.candidates = sum(1 for article_id, p in results if article_id in written and p.is_candidate)
        self.counts.add(counts)
        log.info("%s: batch of %d in %.1f s: %s", self.name, len(articles), time.monotonic() - started,
                 counts.summary())
        return len(articles)

    def run(self, follow: bool = False, poll_seconds: float = POLL_SECONDS) -> Counts:
        """Classify until nothing is pending; `follow`: keep waiting for more until stopped."""
        self.follow = follow
        previous = None
        if threading.current_thread() is threading.main_thread():   # only there can Python take signals
            previous = signal.signal(signal.SIGTERM, self._stop)
        try:
            while not self.stopping:
                if self.run_batch() == 0:
                    if not self.follow:
                        break
                    time.sleep(poll_seconds)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            self.store.close()
        return self.counts

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def stop_following(self) -> None:
        """Drain what is pending, then stop (safe from another thread)."""
        self.follow = False
