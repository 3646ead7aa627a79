"""Understand: scores a model on labeled examples; the output shape is the `sozwatch eval --json` contract."""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable

from .article_input import classifier_input
from .dataset import Example
from .language import detect_language
from .model import Prediction
from .taxonomy import NONE


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def _score(pairs: list[tuple[Example, Prediction]], codes: list[str]) -> dict:
    rel = defaultdict(int)
    per_code = {c: defaultdict(int) for c in codes}
    for ex, pred in pairs:
        truth_rel = ex.labels != [NONE]
        rel["tp"] += truth_rel and pred.is_candidate
        rel["fp"] += (not truth_rel) and pred.is_candidate
        rel["fn"] += truth_rel and not pred.is_candidate
        truth, predicted = set(ex.labels) - {NONE}, set(pred.categories)
        for code in codes:
            per_code[code]["tp"] += code in truth and code in predicted
            per_code[code]["fp"] += code not in truth and code in predicted
            per_code[code]["fn"] += code in truth and code not in predicted
    table = {c: _prf(v["tp"], v["fp"], v["fn"]) for c, v in per_code.items()}
    supported = [c for c in codes if table[c]["support"] > 0]
    totals = {k: sum(per_code[c][k] for c in codes) for k in ("tp", "fp", "fn")}
    return {
        "relevance": _prf(rel["tp"], rel["fp"], rel["fn"]),
        "categories": {
            "micro_f1": _prf(totals["tp"], totals["fp"], totals["fn"])["f1"],
            "macro_f1": round(sum(table[c]["f1"] for c in supported) / len(supported), 4) if supported else 0.0,
            "per_category": {c: table[c] for c in supported},
        },
    }


def evaluate(predict: Callable[[list[str]], list[Prediction]], examples: list[Example],
             codes: list[str], model_version: str, detail: bool = False) -> dict:
    """Run `predict` over the examples and return the contract's JSON object.

    `detail` adds per-category tables per language (for the human-readable report);
    the JSON contract leaves them out."""
    started = time.perf_counter()
    predictions = predict([classifier_input("", ex.text) for ex in examples])
    elapsed = time.perf_counter() - started
    pairs = list(zip(examples, predictions))
    by_lang: dict[str, list] = defaultdict(list)
    for ex, pred in pairs:
        by_lang[ex.lang or detect_language(ex.text)].append((ex, pred))
    overall = _score(pairs, codes)
    per_language = {}
    for lang in sorted(by_lang):
        scored = _score(by_lang[lang], codes)
        categories = dict(scored["categories"])
        if not detail:
            del categories["per_category"]
        per_language[lang] = {"n": len(by_lang[lang]), "relevance": scored["relevance"], "categories": categories}
    return {
        "n": len(examples),
        "model_version": model_version,
        "docs_per_second": round(len(examples) / elapsed, 1) if elapsed > 0 else 0.0,
        "relevance": overall["relevance"],
        "categories": overall["categories"],
        "per_language": per_language,
    }
