"""Feature blocks for the incident model, each a plain function of the texts.

- char 2–5-grams of the folded text (hashed, TF-IDF): robust to Kazakh and Russian
  morphology and to Kazakh typed without Kazakh letters ("бугатталды");
- multilingual-e5-small embedding of the title + lead (meaning across languages);
- trigger-term counts per category (see triggers.py).

Weights were chosen by 5-fold cross-validation on the training split (README, "Classifier").
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from .embeddings import DIMENSIONS, EmbeddingCache, embed_passages
from .triggers import fold, trigger_matrix

HASH_FEATURES = 2**16
EMBEDDING_WEIGHT = 2.0   # the dense block is 384 values against ~2,000 sparse ones; CV: 2 > 4 > 1
TRIGGER_WEIGHT = 0.3     # CV over 0.2/0.3/0.5/1/2 on train: 0.3 best


class TextFeatures:
    """Fits the TF-IDF weights once; then turns texts into one sparse matrix."""

    def __init__(self, codes: list[str], use_embeddings: bool):
        self.codes = list(codes)
        self.use_embeddings = use_embeddings
        self.hasher = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=HASH_FEATURES,
                                        alternate_sign=False, lowercase=False, norm=None)
        self.tfidf = TfidfTransformer(sublinear_tf=True)

    def char_block(self, texts: list[str], fit: bool = False) -> sparse.csr_matrix:
        counts = self.hasher.transform([fold(t) for t in texts])
        return (self.tfidf.fit_transform(counts) if fit else self.tfidf.transform(counts)).tocsr()

    def embedding_block(self, texts: list[str], cache: EmbeddingCache | None = None) -> np.ndarray:
        if not self.use_embeddings:
            return np.zeros((len(texts), 0), dtype=np.float32)
        return embed_passages(texts, cache) * EMBEDDING_WEIGHT

    def trigger_block(self, texts: list[str]) -> np.ndarray:
        return trigger_matrix(texts, self.codes) * TRIGGER_WEIGHT

    def transform(self, texts: list[str], cache: EmbeddingCache | None = None, fit: bool = False,
                  embeddings: np.ndarray | None = None) -> sparse.csr_matrix:
        """All blocks side by side. `embeddings` may be passed in (already computed, or zeros
        to score without them, as the evidence finder does for single sentences)."""
        dense = self.embedding_block(texts, cache) if embeddings is None else embeddings
        return sparse.hstack([self.char_block(texts, fit), sparse.csr_matrix(dense),
                              sparse.csr_matrix(self.trigger_block(texts))]).tocsr()

    @property
    def embedding_columns(self) -> slice:
        start = self.hasher.n_features
        return slice(start, start + (DIMENSIONS if self.use_embeddings else 0))

    def shrink(self) -> None:
        self.tfidf.idf_ = self.tfidf.idf_.astype(np.float32)
