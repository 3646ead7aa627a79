"""Understand: the human-readable model card (card.md) written beside card.json."""
from __future__ import annotations

EVALUATION_TITLES = {
    "realdev": "Real-text development set (real kk/ru/en passages; measured, never trained or tuned on; "
               "`sozwatch eval --data classifiers/data/realdev/texts.jsonl`)",
    "confirmed_heldout": "Held-out confirmed items (monitors' decisions)",
}


def _metrics_table(metrics: dict) -> list[str]:
    lines = ["| language | n | relevance P | relevance R | relevance F1 | category micro-F1 | category macro-F1 |",
             "|---|---|---|---|---|---|---|"]
    rows = [("all", metrics["n"], metrics["relevance"], metrics["categories"])]
    rows += [(lang, m["n"], m["relevance"], m["categories"]) for lang, m in metrics["per_language"].items()]
    for lang, n, rel, cat in rows:
        lines.append(f"| {lang} | {n} | {rel['precision']:.3f} | {rel['recall']:.3f} | {rel['f1']:.3f} "
                     f"| {cat['micro_f1']:.3f} | {cat['macro_f1']:.3f} |")
    return lines


def _category_table(metrics: dict) -> list[str]:
    langs = list(metrics["per_language"])
    lines = ["| category | P | R | F1 | support | " + " | ".join(f"F1 {lang}" for lang in langs) + " |",
             "|---|---|---|---|---|" + "---|" * len(langs)]
    for code, m in metrics["categories"]["per_category"].items():
        per_lang = [metrics["per_language"][lang]["categories"].get("per_category", {}).get(code, {}).get("f1")
                    for lang in langs]
        cells = " | ".join("-" if f is None else f"{f:.2f}" for f in per_lang)
        lines.append(f"| {code} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} | {cells} |")
    return lines


def card_markdown(card: dict) -> str:
    train = card.get("training_data") or {}
    lines = [f"# Model {card.get('version')}", "",
             f"- kind: {card.get('kind')} ({card.get('features', '')})",
             f"- created: {card.get('created')}",
             f"- uses embeddings: {card.get('uses_embeddings')}",
             f"- training data: {train.get('n')} examples, hash {train.get('hash')}, "
             f"per language {train.get('per_language')}, incidents {train.get('incidents')}",
             f"- code version: {card.get('code_version')}",
             f"- relevance threshold {card.get('relevance_threshold')}, thresholds per category in card.json", ""]
    metrics = card.get("heldout_metrics")
    if metrics:
        held = card.get("heldout_data") or {}
        lines += [f"## Held-out scores ({held.get('n')} examples, hash {held.get('hash')}, never trained on)", "",
                  *_metrics_table(metrics), "", "## Per category (held-out)", "", *_category_table(metrics), ""]
    for name, entry in (card.get("evaluations") or {}).items():
        data = entry.get("data") or {}
        title = EVALUATION_TITLES.get(name, name)
        lines += [f"## {title} ({data.get('n')} examples, hash {data.get('hash')})", "", *_metrics_table(entry["metrics"]), ""]
        if entry.get("baseline"):
            lines += [f"Baseline {entry['baseline']['version']} on the same data:", "",
                      *_metrics_table(entry["baseline"]["metrics"]), ""]
    return "\n".join(lines) + "\n"
