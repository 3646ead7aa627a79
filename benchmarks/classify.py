"""Classifier throughput and memory: documents per second and peak RSS on 2 cores, per backend.

    python benchmarks/classify.py [--n 1000] [--out benchmarks/classify.json]

1,000 realistic articles are made by combining texts from the data (one labeled text as
title + lead, then 2–4 unrelated news texts as the body: ~2,000–3,500 characters, about
1 in 3 an incident). Each backend runs in its own process (so peak RSS is its own),
pinned to 2 cores, through the whole `Understander` path: language, model, and for
candidates legal articles, entities and evidence. Backends: the active e5+TF-IDF model,
the TF-IDF-only fallback, and a tiny self-built transformers model when torch is installed
(its speed says nothing about xlm-roberta-base; it checks the path's overhead).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORES = 2


def make_articles(n: int, seed: int = 7) -> list[tuple[str, str]]:
    from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, read_examples
    examples = read_examples(TRAIN_PATH) + read_examples(HELDOUT_PATH)
    rng = random.Random(seed)
    by_lang: dict[str, list] = {}
    for ex in examples:
        by_lang.setdefault(ex.lang, []).append(ex)
    articles = []
    for _ in range(n):
        lang = rng.choice(sorted(by_lang))
        pool = by_lang[lang]
        head = rng.choice(pool)
        title, _, lead = head.text.partition("\n")
        filler = [ex.text for ex in rng.sample(pool, 4) if ex.labels == ["NONE"]][: rng.randint(2, 4)]
        articles.append((title, "\n".join([lead, *filler]).strip()))
    return articles


def _pin_cores() -> None:
    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(available[:CORES]))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(CORES))


def _tiny_transformer(models_dir: Path) -> str:
    """Build, fine-tune briefly and register a tiny BERT; returns its version."""
    from collections import Counter

    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, read_examples
    from classifiers.registry import Registry
    from classifiers.transformer_model import train_transformer_version
    base = models_dir / "tiny-bert"
    base.mkdir(parents=True)
    train = read_examples(TRAIN_PATH)
    words = Counter(w for ex in train for w in ex.text.lower().split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [w for w, _ in words.most_common(5000) if w.isalpha()]
    (base / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(base / "vocab.txt"), do_lower_case=True, strip_accents=False).save_pretrained(base)
    BertForSequenceClassification(BertConfig(vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2,
                                             num_attention_heads=2, intermediate_size=128,
                                             max_position_embeddings=256)).save_pretrained(base)
    return train_transformer_version(train[::3], read_examples(HELDOUT_PATH)[::10], Registry(models_dir / "reg"),
                                     base, epochs=1)


def worker(backend: str, n: int) -> dict:
    """Runs in a child process: load the backend, classify n articles, report speed and peak RSS."""
    _pin_cores()
    from classifiers.registry import Registry
    from classifiers.understand import Understander
    articles = make_articles(n)
    started = time.perf_counter()
    if backend == "transformers-tiny":
        import torch
        torch.set_num_threads(CORES)
        tmp = Path(tempfile.mkdtemp())
        version = _tiny_transformer(tmp)
        registry, started = Registry(tmp / "reg"), time.perf_counter()   # training is not part of the figure
    else:
        registry = Registry()
        version = registry._state()["active" if backend == "e5+tfidf" else "fallback"]
    understander = Understander.from_registry(registry, version)
    understander.understand("warm-up", "Журналиста задержали в Алматы.")   # lazy loads are not throughput
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    candidates = 0
    for start in range(0, n, 32):
        candidates += sum(p.is_candidate for p in understander.understand_many(articles[start:start + 32]))
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"backend": backend, "model_version": understander.version, "n": n, "cores": CORES,
            "docs_per_second": round(n / elapsed, 1), "seconds": round(elapsed, 1), "load_seconds": round(load_s, 1),
            "peak_rss_mb": round(peak_mb), "candidates": candidates,
            "mean_chars": round(sum(len(t) + len(b) for t, b in articles) / n)}


def backends() -> list[str]:
    from classifiers.embeddings import embeddings_available
    names = (["e5+tfidf"] if embeddings_available() else []) + ["tfidf-only"]
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
        names.append("transformers-tiny")
    except ImportError:
        print("torch/transformers not installed: skipping the transformers backend", file=sys.stderr)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "classify.json"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n)))
        return
    results = []
    for backend in backends():
        run = subprocess.run([sys.executable, __file__, "--worker", backend, "--n", str(args.n)],
                             capture_output=True, text=True, cwd=ROOT)
        if run.returncode != 0:
            print(f"{backend}: failed\n{run.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
    print(f"{'backend':<18} {'docs/s':>8} {'peak RSS MB':>12} {'load s':>7} {'candidates':>11}  model")
    for r in results:
        print(f"{r['backend']:<18} {r['docs_per_second']:>8} {r['peak_rss_mb']:>12} {r['load_seconds']:>7} "
              f"{r['candidates']:>11}  {r['model_version']}")
    Path(args.out).write_text(json.dumps({"articles": args.n, "cores": CORES, "results": results}, indent=2) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
