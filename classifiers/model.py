"""Understand: the incident model: relevance first, then Adil Soz categories, attack type and perpetrator.

Features (features.py): folded char n-grams, word 1–2-grams, a multilingual-e5-small
embedding of the title + lead, and trigger-term counts per category. One logistic
regression decides relevance; one per category, trained on incidents only, decides the
labels (so the category models learn what tells a detention from a summons, not what
tells news from an incident). A candidate carries its best category, plus any other
scoring at least its threshold: one shared threshold for group A, tuned for micro-F1
(~50 positives per category make many separate cut-offs noisy), and one per code for
groups B and C, tuned for F1. Court cases are mostly a second label beside the act that
led to them (a detention and its administrative case), and the shared cut-off dropped them:
in nested cross-validation, micro-F1 / group C recall were 0.807 / 0.920 with a
threshold per code, 0.828 / 0.908 with one shared, 0.827 / 0.920 with C per code. Group B
joined C when batch 4 was added: real passages (classifiers/data/realdev/) report
blockings, closed trials and discrimination mostly beside another act, and with B per code
their group B recall rose from 0.51 to 0.58, held-out group B recall from 0.88 to 0.92.
Thresholds come from 5-fold cross-validated predictions on the training split, never
from the held-out split or the development set (which only chose between the two rules).

Cascade: with embeddings on, a TF-IDF-only screen runs first; texts it rejects (its
threshold keeps 99% of the training incidents in cross-validation) are never embedded,
because embedding is ~10 texts/s on 2 cores and most crawled news is not an incident.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .embeddings import DIMENSIONS, EmbeddingCache
from .features import TextFeatures
from .priority import priority_of
from .taxonomy import NONE

EMBED_CHUNK = 64         # texts embedded per call while training: progress is reported between chunks
RELEVANCE_BETA = 2.0     # a missed detention costs more than a false alarm: tune for F2
SCREEN_RECALL = 0.99     # the cascade's screen may drop at most 1% of incidents (CV on train)
CV_FOLDS = 5
OWN_THRESHOLD_GROUPS = ("B", "C")   # categories of these groups keep a threshold per code (see above)
C = 4.0


@dataclass
class Prediction:
    relevance: float                 # probability that the text reports an incident
    is_candidate: bool               # goes to the review queue
    scores: dict[str, float]         # per-category probability
    categories: list[str]            # predicted codes (empty unless is_candidate)
    model_version: str = ""
    lang: str = ""
    extras: dict = field(default_factory=dict)
    attack_type: str | None = None   # physical / non_physical / judicial_economic (candidates only)
    perpetrator: str | None = None   # state / non_state / unknown (candidates only)
    legal_articles: list[dict] = field(default_factory=list)   # see legal.py
    entities: dict = field(default_factory=dict)               # see entities.py
    evidence: dict[str, list[str]] = field(default_factory=dict)  # code -> supporting sentences

    @property
    def priority(self) -> float:
        """Where a candidate stands in the review queue (priority.py)."""
        return priority_of(self.relevance, self.categories)


def best_threshold(y_true: np.ndarray, scores: np.ndarray, beta: float = 1.0) -> float:
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


def label_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The cut-off for labels beyond each row's best one that maximises micro-F1 over the rows
    (y_true, scores: incidents x categories)."""
    best, best_t = -1.0, 0.5
    top = scores.argmax(axis=1)
    for t in np.round(np.arange(0.2, 0.96, 0.01), 2):
        pred = scores >= t
        pred[np.arange(len(scores)), top] = True
        f = 2 * float(np.sum(pred & y_true)) / (pred.sum() + y_true.sum())
        if f > best:
            best, best_t = f, float(t)
    return best_t


def recall_threshold(y_true: np.ndarray, scores: np.ndarray, recall: float) -> float:
    """The highest cut-off that still keeps `recall` of the positives."""
    positives = np.sort(scores[y_true])
    return float(positives[int(np.floor((1 - recall) * len(positives)))]) if len(positives) else 0.0


def _new_clf() -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=3000)


def _fit(X, y):
    return _new_clf().fit(X, y)


def _cv_scores(X, y) -> np.ndarray:
    """Out-of-fold probabilities of the positive class (or of each class, for multi-class y)."""
    n_splits = int(min(CV_FOLDS, np.bincount(np.unique(y, return_inverse=True)[1]).min()))
    proba = cross_val_predict(_new_clf(), X, y, method="predict_proba",
                              cv=StratifiedKFold(n_splits, shuffle=True, random_state=13))
    return proba[:, 1] if proba.shape[1] == 2 else proba


class IncidentModel:
    backend = "sklearn"

    def __init__(self, codes: list[str], use_embeddings: bool = True):
        self.codes = list(codes)
        self.use_embeddings = use_embeddings
        self.features = TextFeatures(codes, use_embeddings)
        self.relevance_clf: LogisticRegression | None = None
        self.screen_clf: LogisticRegression | None = None
        self.category_clfs: dict[str, LogisticRegression] = {}
        self.attribute_clfs: dict[str, LogisticRegression] = {}   # "attack_type", "perpetrator"
        self.relevance_threshold = 0.5
        self.screen_threshold = 0.0
        self.thresholds: dict[str, float] = {}

    # -- training ---------------------------------------------------------
    def fit(self, texts: list[str], labels: list[list[str]], cache: EmbeddingCache | None = None,
            attributes: dict[str, list[str | None]] | None = None, progress=None) -> "IncidentModel":
        """attributes: {"attack_type": [...], "perpetrator": [...]}, one value (or None) per text.
        progress: called as progress(step, done, total) for "embedding", "folds" and "thresholds"."""
        progress = progress or (lambda step, done, total: None)
        dense = None
        if self.use_embeddings:   # in chunks (each text's vector is the same either way), to say how far it got
            chunks = []
            for start in range(0, len(texts), EMBED_CHUNK):
                progress("embedding", start, len(texts))
                chunks.append(self.features.embedding_block(texts[start:start + EMBED_CHUNK], cache))
            progress("embedding", len(texts), len(texts))
            dense = np.vstack(chunks) if chunks else None
        X = self.features.transform(texts, cache, fit=True, embeddings=dense)
        relevant = np.array([lab != [NONE] for lab in labels])
        incidents = np.where(relevant)[0]
        X_inc = X[incidents]
        targets = {"relevance": (X, relevant)}
        for code in self.codes:
            y = np.array([code in labels[i] for i in incidents])
            if y.sum() >= 2:   # rarer codes cannot be learned; never predicted
                targets[code] = (X_inc, y)
        for name, values in (attributes or {}).items():
            keep = [i for i in incidents if values[i]]
            if len({values[i] for i in keep}) >= 2:
                targets[name] = (X[keep], np.array([values[i] for i in keep]))
        if self.use_embeddings:
            no_embedding = np.ones(X.shape[1], dtype=bool)
            no_embedding[self.features.embedding_columns] = False
            targets["screen"] = (X[:, np.where(no_embedding)[0]], relevant)

        names = list(targets)
        tuned = [n for n in names if n in ("relevance", "screen", *self.codes)]
        # fitted models and cross-validated scores, both sides of each target in parallel; results
        # arrive in order, so each one finished is one step of progress
        jobs = [delayed(_fit)(*targets[n]) for n in names] + [delayed(_cv_scores)(*targets[n]) for n in tuned]
        results = []
        progress("folds", 0, len(jobs))
        for result in Parallel(n_jobs=2, return_as="generator")(jobs):
            results.append(result)
            progress("folds", len(results), len(jobs))
        models = dict(zip(names, results[:len(names)]))
        cv = dict(zip(tuned, results[len(names):]))
        progress("thresholds", 0, 1)

        self.relevance_clf = models["relevance"]
        self.relevance_threshold = best_threshold(relevant, cv["relevance"], beta=RELEVANCE_BETA)
        if "screen" in models:
            self.screen_clf = models["screen"]
            self.screen_threshold = recall_threshold(relevant, cv["screen"], SCREEN_RECALL)
        learned = [code for code in self.codes if code in models]
        self.category_clfs = {code: models[code] for code in learned}
        if learned:
            shared = label_threshold(np.column_stack([targets[c][1] for c in learned]),
                                     np.column_stack([cv[c] for c in learned]))
            self.thresholds = {c: best_threshold(targets[c][1], cv[c]) if c.split(".")[0] in OWN_THRESHOLD_GROUPS
                               else shared for c in learned}
        self.attribute_clfs = {n: models[n] for n in names if n in (attributes or {})}
        self._shrink()
        progress("thresholds", 1, 1)
        return self

    def _shrink(self) -> None:
        """float32 weights: half the size on disk, the same predictions to 6 digits."""
        for clf in [self.relevance_clf, self.screen_clf, *self.category_clfs.values(), *self.attribute_clfs.values()]:
            if clf is not None:
                clf.coef_ = clf.coef_.astype(np.float32)
        self.features.shrink()

    # -- prediction -------------------------------------------------------
    def _matrix(self, texts: list[str]):
        """Features for `texts`; with the cascade, only texts that pass the screen are embedded.
        The text blocks are computed once and serve both the screen and the full model.
        Returns (X, screened_out mask)."""
        screened_out = np.zeros(len(texts), dtype=bool)
        blocks = self.features.sparse_blocks(texts)
        if not self.use_embeddings or self.screen_clf is None:
            return self.features.combine(blocks, self.features.embedding_block(texts)), screened_out
        cheap = self.features.combine(blocks, np.zeros((len(texts), 0), dtype=np.float32))
        screened_out = self.screen_clf.predict_proba(cheap)[:, 1] < self.screen_threshold
        dense = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        keep = np.where(~screened_out)[0]
        if len(keep):
            dense[keep] = self.features.embedding_block([texts[i] for i in keep])
        return self.features.combine(blocks, dense), screened_out

    def category_scores(self, X) -> dict[str, np.ndarray]:
        return {code: clf.predict_proba(X)[:, 1] for code, clf in self.category_clfs.items()}

    def sentence_scores(self, sentences: list[str], codes: list[str]) -> dict[str, np.ndarray]:
        """Category scores of single sentences from their text features, the embedding left out."""
        width = DIMENSIONS if self.use_embeddings else 0
        X = self.features.transform(sentences, embeddings=np.zeros((len(sentences), width), dtype=np.float32))
        return {c: self.category_clfs[c].decision_function(X) for c in codes if c in self.category_clfs}

    def predict(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        X, screened_out = self._matrix(texts)
        relevance = self.relevance_clf.predict_proba(X)[:, 1]
        relevance[screened_out] = np.minimum(relevance[screened_out], self.screen_threshold)
        per_code = self.category_scores(X)
        attributes = {name: clf.predict(X) for name, clf in self.attribute_clfs.items()}
        predictions = []
        for i, rel in enumerate(relevance):
            scores = {code: round(float(p[i]), 4) for code, p in per_code.items()}
            candidate = bool(rel >= self.relevance_threshold) and not screened_out[i]
            categories: list[str] = []
            if candidate and scores:
                categories = [c for c, s in scores.items() if s >= self.thresholds[c]]
                top = max(scores, key=scores.get)
                if top not in categories:
                    categories.append(top)  # a candidate always carries its best guess
            predictions.append(Prediction(
                relevance=round(float(rel), 4), is_candidate=candidate, scores=scores, categories=sorted(categories),
                attack_type=str(attributes["attack_type"][i]) if candidate and "attack_type" in attributes else None,
                perpetrator=str(attributes["perpetrator"][i]) if candidate and "perpetrator" in attributes else None))
        return predictions
