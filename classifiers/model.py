"""The incident model: relevance first, then Adil Soz categories (multi-label).

Features are character n-grams of the whole text (hashed, TF-IDF weighted: robust to
Kazakh and Russian morphology) joined with a multilingual-e5-small embedding of the
title and lead (meaning across languages). One logistic regression decides
relevance; one per category decides the labels. Thresholds are tuned on
cross-validated predictions over the training split, never on the held-out split.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .embeddings import EmbeddingCache, embed_passages
from .taxonomy import NONE

HASH_FEATURES = 2**16
EMBEDDING_WEIGHT = 2.0   # the dense block is ~384 values against ~2,000 sparse ones
RELEVANCE_BETA = 2.0     # a missed detention costs more than a false alarm: tune for F2
CV_FOLDS = 5


@dataclass
class Prediction:
    relevance: float                 # probability that the text reports an incident
    is_candidate: bool               # relevance above the tuned threshold: goes to the queue
    scores: dict[str, float]         # per-category probability
    categories: list[str]            # predicted codes (empty unless is_candidate)
    model_version: str = ""
    lang: str = ""
    extras: dict = field(default_factory=dict)


def _best_threshold(y_true: np.ndarray, scores: np.ndarray, beta: float = 1.0) -> float:
    """The score cut-off that maximises F-beta on (y_true, scores)."""
    best, best_t = -1.0, 0.5
    for t in np.unique(np.round(scores, 3)):
        pred = scores >= t
        tp = float(np.sum(pred & y_true))
        if tp == 0:
            continue
        p, r = tp / pred.sum(), tp / y_true.sum()
        f = (1 + beta**2) * p * r / (beta**2 * p + r)
        if f > best:
            best, best_t = f, float(t)
    return best_t


class IncidentModel:
    def __init__(self, codes: list[str], use_embeddings: bool = True, C: float = 4.0):
        self.codes = list(codes)
        self.use_embeddings = use_embeddings
        self.C = C
        self.hasher = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=HASH_FEATURES,
                                        alternate_sign=False, lowercase=True, norm=None)
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self.relevance_clf: LogisticRegression | None = None
        self.category_clfs: dict[str, LogisticRegression] = {}
        self.relevance_threshold = 0.5
        self.thresholds: dict[str, float] = {}

    # -- features ---------------------------------------------------------
    def _features(self, texts: list[str], cache: EmbeddingCache | None = None, fit: bool = False):
        counts = self.hasher.transform(texts)
        text_part = self.tfidf.fit_transform(counts) if fit else self.tfidf.transform(counts)
        if not self.use_embeddings:
            return text_part.tocsr()
        dense = embed_passages(texts, cache) * EMBEDDING_WEIGHT
        return sparse.hstack([text_part, sparse.csr_matrix(dense)]).tocsr()

    def _new_clf(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)

    def _shrink(self) -> None:
        """float32 weights: half the size on disk, the same predictions to 6 digits."""
        for clf in [self.relevance_clf, *self.category_clfs.values()]:
            clf.coef_ = clf.coef_.astype(np.float32)
        self.tfidf.idf_ = self.tfidf.idf_.astype(np.float32)

    # -- training ---------------------------------------------------------
    def fit(self, texts: list[str], labels: list[list[str]], cache: EmbeddingCache | None = None) -> "IncidentModel":
        X = self._features(texts, cache, fit=True)
        relevant = np.array([lab != [NONE] for lab in labels])
        folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=13)

        self.relevance_clf = self._new_clf().fit(X, relevant)
        cv_rel = cross_val_predict(self._new_clf(), X, relevant, cv=folds, method="predict_proba")[:, 1]
        self.relevance_threshold = _best_threshold(relevant, cv_rel, beta=RELEVANCE_BETA)

        for code in self.codes:
            y = np.array([code in lab for lab in labels])
            if y.sum() < 2:
                continue  # too rare to learn; never predicted
            self.category_clfs[code] = self._new_clf().fit(X, y)
            n_splits = int(min(CV_FOLDS, y.sum()))
            cv = cross_val_predict(self._new_clf(), X, y, method="predict_proba",
                                   cv=StratifiedKFold(n_splits, shuffle=True, random_state=13))[:, 1]
            self.thresholds[code] = _best_threshold(y, cv)
        self._shrink()
        return self

    # -- prediction -------------------------------------------------------
    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        X = self._features(texts)
        relevance = self.relevance_clf.predict_proba(X)[:, 1]
        per_code = {code: clf.predict_proba(X)[:, 1] for code, clf in self.category_clfs.items()}
        predictions = []
        for i, rel in enumerate(relevance):
            scores = {code: round(float(p[i]), 4) for code, p in per_code.items()}
            candidate = bool(rel >= self.relevance_threshold)
            categories: list[str] = []
            if candidate:
                categories = [c for c, s in scores.items() if s >= self.thresholds[c]]
                if not categories and scores:
                    categories = [max(scores, key=scores.get)]  # a candidate always carries a guess
            predictions.append(Prediction(relevance=round(float(rel), 4), is_candidate=candidate,
                                          scores=scores, categories=sorted(categories)))
        return predictions
