"""Understand: feature blocks for the incident model, each a plain function of the texts.

- char 2–5-grams of the folded text (hashed, TF-IDF): robust to Kazakh and Russian
  morphology and to Kazakh typed without Kazakh letters ("бугатталды");
- word 1–2-grams of the folded text (TF-IDF, words seen in 2+ training texts): phrases
  such as "seized his camera" or "лишили аккредитации" that tell neighbouring categories apart;
- multilingual-e5-small embedding of the title + lead (meaning across languages);
- trigger-term counts per category (see triggers.py).

Weights were chosen by 5-fold cross-validation on the training split (README, "Classifier").
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer

from .embeddings import DIMENSIONS, EmbeddingCache, embed_passages
from .triggers import fold, trigger_matrix

HASH_FEATURES = 2**16
EMBEDDING_WEIGHT = 2.0   # the dense block is 384 values against ~2,000 sparse ones; CV: 2 > 4 > 1
TRIGGER_WEIGHT = 0.3     # CV over 0.2/0.3/0.5/1/2 on train: 0.3 best
WORD_WEIGHT = 2.0        # repeated CV over 0.5/1/1.5/2/2.5: category micro-F1 0.790 without, 0.815 at 2


class TextFeatures:
    """Fits the TF-IDF weights once; then turns texts into one sparse matrix."""

    words: TfidfVectorizer | None = None   # None in models saved before the word block existed

    def __init__(self, codes: list[str], use_embeddings: bool):
        self.codes = list(codes)
        self.use_embeddings = use_embeddings
        self.hasher = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=HASH_FEATURES,
                                        alternate_sign=False, lowercase=False, norm=None)
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                     preprocessor=fold, dtype=np.float32)

    def char_block(self, texts: list[str], fit: bool = False) -> sparse.csr_matrix:
        counts = self.hasher.transform([fold(t) for t in texts])
        return (self.tfidf.fit_transform(counts) if fit else self.tfidf.transform(counts)).tocsr()

    def word_block(self, texts: list[str], fit: bool = False) -> sparse.csr_matrix:
        if self.words is None:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        return (self.words.fit_transform(texts) if fit else self.words.transform(texts)) * WORD_WEIGHT

    def embedding_block(self, texts: list[str], cache: EmbeddingCache | None = None) -> np.ndarray:
        if not self.use_embeddings:
            return np.zeros((len(texts), 0), dtype=np.float32)
        return embed_passages(texts, cache) * EMBEDDING_WEIGHT

    def trigger_block(self, texts: list[str]) -> np.ndarray:
        return trigger_matrix(texts, self.codes) * TRIGGER_WEIGHT

    def sparse_blocks(self, texts: list[str], fit: bool = False) -> tuple:
        """The blocks that do not need the embedding engine: char n-grams, trigger terms, words."""
        return (self.char_block(texts, fit), sparse.csr_matrix(self.trigger_block(texts)), self.word_block(texts, fit))

    @staticmethod
    def combine(blocks: tuple, dense: np.ndarray) -> sparse.csr_matrix:
        """All blocks side by side, the embedding (`dense`, possibly zero columns wide) second."""
        chars, triggers, words = blocks
        return sparse.hstack([chars, sparse.csr_matrix(dense), triggers, words]).tocsr()

    def transform(self, texts: list[str], cache: EmbeddingCache | None = None, fit: bool = False,
                  embeddings: np.ndarray | None = None) -> sparse.csr_matrix:
        """All blocks side by side. `embeddings` may be passed in (already computed, or zeros
        to score without them, as the evidence finder does for single sentences)."""
        dense = self.embedding_block(texts, cache) if embeddings is None else embeddings
        return self.combine(self.sparse_blocks(texts, fit), dense)

    @property
    def embedding_columns(self) -> slice:
        start = self.hasher.n_features
        return slice(start, start + (DIMENSIONS if self.use_embeddings else 0))

    def shrink(self) -> None:
        self.tfidf.idf_ = self.tfidf.idf_.astype(np.float32)
