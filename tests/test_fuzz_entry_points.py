"""Fuzzing the extraction and classification entry points with random and adversarial input
(hypothesis): no exception other than the documented NotAnArticle, no hang beyond a bound,
and outputs that keep their contract (strings, known language codes, scores in [0, 1]).

A fixed seed (`derandomize`) keeps CI deterministic; `SOZWATCH_FUZZ_EXAMPLES=2000` digs deeper
by hand. Each call runs under an alarm: a hang fails the test instead of stalling CI."""
from __future__ import annotations

import math
import os
import signal
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import NotAnArticle, extract_article

EXAMPLES = int(os.environ.get("SOZWATCH_FUZZ_EXAMPLES", "0"))
EXTRACT_BOUND_S = 10.0     # one page, however hostile; trafilatura does ~46 real pages/s
CLASSIFY_BOUND_S = 20.0    # one document, embeddings included

FUZZ = settings(derandomize=True, deadline=None, database=None, max_examples=EXAMPLES or 200,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Hang(Exception):
    pass


@contextmanager
def bounded(seconds: float):
    """Fail (not stall) when the body runs longer than `seconds`."""
    def expired(signum, frame):
        raise Hang(f"took longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < seconds


# -- adversarial pages ---------------------------------------------------------------------------
WORDS = ["журналист", "задержали", "тілші", "сот", "journalist", "court", "<", ">", "&amp;", "&#0;", "\u202e",
         "\ufeff", "\x00", "é", "😀", "ё" * 50, "<!--", "-->", "]]>", "<![CDATA[", "\r\n", "\t"]
TAGS = ["p", "div", "article", "main", "script", "style", "table", "td", "tr", "li", "a", "b", "i", "h1",
        "title", "meta", "body", "html", "head", "svg", "math", "iframe", "noscript", "template", "pre", "br"]
ENCODINGS = [None, "utf-8", "windows-1251", "koi8-r", "utf-16", "latin-1", "x-unknown", "", "utf-8; boundary"]


@st.composite
def markup(draw, depth=0):
    """Random, often broken HTML: unclosed and stray tags, deep nesting, odd attributes."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.integers(0, 5))
        tag = draw(st.sampled_from(TAGS))
        if choice == 0 and depth < 8:
            attrs = draw(st.sampled_from(["", ' class="article"', ' charset="koi8-r"', " lang=kk",
                                          ' content="2099-01-01"', ' property="article:published_time"',
                                          ' style="x' + '"' * 3, " =" * 5]))
            parts.append(f"<{tag}{attrs}>{draw(markup(depth + 1))}" + draw(st.sampled_from([f"</{tag}>", ""])))
        elif choice == 1:
            parts.append(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=60))))
        elif choice == 2:
            parts.append(draw(st.text(max_size=200)))
        elif choice == 3:
            parts.append(draw(st.sampled_from([f"</{tag}>", f"<{tag}", "<", "&", "<!DOCTYPE", "<?xml ?>", "<p>" * 50])))
        else:
            parts.append(draw(st.sampled_from(WORDS)) * draw(st.integers(1, 300)))
    return "".join(parts)


@st.composite
def pages(draw):
    kind = draw(st.integers(0, 3))
    if kind == 0:
        body = draw(st.binary(max_size=4000))                    # raw bytes, any encoding or none
    elif kind == 1:
        body = draw(markup()).encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1251", "koi8-r"])), "replace")
    elif kind == 2:                                              # an article shape around hostile content
        text = draw(markup())
        body = (f"<html><head><meta charset='{draw(st.sampled_from(['utf-8', 'bogus', 'windows-1251']))}'>"
                f"<title>{draw(st.text(max_size=80))}</title></head><body><article><h1>{text[:80]}</h1>"
                + "".join(f"<p>{text} {i}</p>" for i in range(draw(st.integers(0, 30))))
                + "</article></body></html>").encode("utf-8", "surrogatepass")
    else:                                                        # pathological sizes and nesting
        n = draw(st.integers(1, 3000))
        body = draw(st.sampled_from([b"<div>" * n, b"<p>" + b"a" * 200_000, b"</p>" * n, b"\x00" * n * 10,
                                     b"<table><tr><td>" * n, ("ё" * n * 20).encode()]))
    url = draw(st.sampled_from(["https://kz.example/news/1", "https://kz.example/", "http://127.0.0.1/tag/x",
                                "https://kz.example/news/1?page=2", "https://kz.example/" + "a/" * 200]))
    return body, url, draw(st.sampled_from(ENCODINGS))


@FUZZ
@given(pages())
def test_extraction_never_crashes_or_hangs(page):
    body, url, encoding = page
    with bounded(EXTRACT_BOUND_S):
        try:
            article = extract_article(body, url, encoding)
        except NotAnArticle:
            return
    assert isinstance(article.text, str) and article.text.strip()
    assert isinstance(article.title, (str, type(None)))
    assert article.encoding


# -- classification ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def understander():
    """The active model (embeddings when this machine has them): the batch test below."""
    from classifiers.understand import Understander
    return Understander.from_registry()


@pytest.fixture(scope="module")
def fast_understander():
    """The fallback (TF-IDF) model: the same entry point at ~ms per document, so hypothesis can
    try many inputs; the language detector and thresholds are shared with the active model."""
    from classifiers.registry import Registry
    from classifiers.understand import Understander
    registry = Registry()
    return Understander.from_registry(registry, registry._state().get("fallback"))


texts = st.one_of(
    st.text(max_size=3000),
    st.lists(st.sampled_from(WORDS), max_size=400).map(" ".join),
    st.sampled_from(["", " ", "\x00" * 1000, "а" * 50_000, "😀" * 2000, "\u202e" * 100, "<p>" * 1000,
                     "журналист " * 5000, "1234567890" * 500, "\ud800"[:0] + "x"]),
)


@settings(derandomize=True, deadline=None, database=None, max_examples=EXAMPLES or 80,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(title=st.text(max_size=300), text=texts)
def test_classification_never_crashes_or_hangs(fast_understander, title, text):
    with bounded(CLASSIFY_BOUND_S):
        prediction = fast_understander.understand(title, text)
    assert prediction.lang in ("kk", "ru", "en", "other")
    assert 0.0 <= prediction.relevance <= 1.0 and not math.isnan(prediction.relevance)
    assert isinstance(prediction.is_candidate, bool) or prediction.is_candidate in (0, 1)
    assert all(isinstance(code, str) for code in prediction.categories)
    assert all(0.0 <= score <= 1.0 for score in prediction.scores.values())


def test_classifying_a_batch_of_hostile_documents_together(understander):
    """The crawl classifies one by one, imports in batches: the batch path takes the same inputs."""
    docs = [("", ""), ("\x00", "\x00" * 100), ("😀", "а" * 20_000), ("t", "<script>" * 500)]
    with bounded(CLASSIFY_BOUND_S * 2):
        predictions = understander.understand_many(docs)
    assert len(predictions) == len(docs)
    assert all(0.0 <= p.relevance <= 1.0 and p.lang in ("kk", "ru", "en", "other") for p in predictions)
