"""Crawl: near-duplicate detection: syndicated copies and republished texts become one story.

MinHash over word 3-shingles of the article text, an LSH index over recent articles
(datasketch). An outlet that republishes a story adds its own lead, byline or footer;
the shingles of the shared body still overlap far above THRESHOLD, while two different
stories on one topic share few 3-word sequences.
"""
from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.5      # estimated Jaccard similarity of the shingle sets
SHINGLE = 3
WORD = re.compile(r"\w+", re.UNICODE)
SCHEME = "affine32"   # stored signatures must be read back with the scheme that made them
# The permutations depend only on the seed: drawn once, not for every article (that was a third
# of a signature's cost)
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature(text: str) -> MinHash:
    words = WORD.findall(text.lower())
    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_PERMUTATIONS)
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=SCHEME)


class StoryIndex:
    """Recent articles' signatures; `story_for` names the story a new text belongs to."""

    def __init__(self, known: list[tuple[int, str, bytes]] = ()):
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.stories: dict[int, tuple[str, MinHash]] = {}
        for article_id, story_id, data in known:
            self.add(article_id, story_id, from_bytes(data))

    def add(self, article_id: int, story_id: str, mh: MinHash) -> None:
        if article_id not in self.stories:
            self.lsh.insert(article_id, mh)
        self.stories[article_id] = (story_id, mh)

    def story_for(self, mh: MinHash) -> str | None:
        """The story of the most similar indexed article above the threshold, or None."""
        best, best_score = None, THRESHOLD
        for article_id in self.lsh.query(mh):
            story_id, other = self.stories[article_id]
            score = mh.jaccard(other)
            if score >= best_score:
                best, best_score = story_id, score
        return best
