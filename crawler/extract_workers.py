"""Crawl: pages are read in worker processes, so that the reactor goes on fetching meanwhile.

Extraction (trafilatura), language ID and the near-duplicate signature are pure functions of a
page's bytes and most of what an article costs the crawl process (benchmarks/profile_article.py).
On a machine with more than one core they run in a pool of processes (`SOZWATCH_EXTRACT_PROCESSES`,
crawler/settings.py; 0 reads pages in the crawl process).
What the pool returns is what the crawl process would have computed itself; a worker that dies
(out of memory on a monstrous page) costs one warning, and that page is read in the crawl process.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from classifiers.language import detect_language

from .extract import Article, NotAnArticle, extract_article
from .stories import signature, to_bytes

log = logging.getLogger(__name__)

PARENT_CHECK_SECONDS = 1.0


@dataclass
class ReadPage:
    """What the crawl keeps of a fetched page: the article with its language and near-duplicate
    signature, or why the page is not an article (NotAnArticle's reason and message)."""
    article: Article | None = None
    lang: str | None = None
    signature: bytes | None = None
    refusal: tuple[str, str] | None = None


def read_text(title: str | None, text: str) -> tuple[str, bytes]:
    """Language and near-duplicate signature of an article's text (a page's, or a post's)."""
    return detect_language(f"{title or ''}\n{text}"), to_bytes(signature(text))


def read_page(body: bytes, url: str, header_encoding: str | None) -> ReadPage:
    try:
        article = extract_article(body, url, header_encoding)
    except NotAnArticle as exc:   # returned, not raised: its (reason, message) would not survive pickling
        return ReadPage(refusal=(exc.reason, str(exc)))
    lang, minhash = read_text(article.title, article.text)
    return ReadPage(article, lang, minhash)


def _start_worker(crawl_process: int) -> None:
    # Ctrl-C reaches the whole process group: the crawl process shuts the pool down itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(crawl_process,), daemon=True).start()


def _exit_with(crawl_process: int) -> None:
    """A crawl killed outright (SIGKILL, out of memory) cannot stop its pool: a worker would
    otherwise wait for pages forever."""
    while os.getppid() == crawl_process:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class PageReader:
    """`await reader.read(body, url, encoding)`: in the pool when it has processes, else here.
    The pool starts with the first page, so a run that fetches no article page starts none."""

    def __init__(self, processes: int):
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: forking a process that runs a reactor and threads is unsafe
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker, initargs=(os.getpid(),))
        return self._pool

    async def read(self, body: bytes, url: str, header_encoding: str | None) -> ReadPage:
        if not self.processes:
            return read_page(body, url, header_encoding)
        try:
            future = self._executor().submit(read_page, body, url, header_encoding)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            log.warning("a page-reading process died (out of memory?): starting new ones; %s is read "
                        "in the crawl process", url)
            self.close()
            return read_page(body, url, header_encoding)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
