"""Understand: the promotion gate: a candidate model must not be worse than the active one.

Figures compared on each evaluation both models were scored on: recall of every
category group (A, B, C: pooled over the group's categories), recall of relevance
(missed incidents), and category macro-F1. On the real-text development set
(classifiers/data/realdev/, when its texts are present) also relevance F1 and category
micro-F1, since there false alarms are what separated the models. A drop larger than
`tolerance` (absolute) on any of them refuses the promotion; the refusal names each
figure that dropped.

Pure: metrics in, a verdict out; cards are read (and, for extra evaluations, written)
through the registry's folder, never the database.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import HELDOUT_PATH, Example, data_hash, read_examples
from .evaluation import evaluate
from .registry import CARD_FILE, Registry
from .taxonomy import load_taxonomy

DEFAULT_TOLERANCE = 0.02
SHIPPED_HELDOUT = "shipped_heldout"
REALDEV = "realdev"


def gate_figures(metrics: dict, overall: bool = False) -> dict[str, float]:
    """{figure name: value} from an evaluation in the `sozwatch eval --json` shape; `overall` adds
    relevance F1 and category micro-F1."""
    taxonomy = load_taxonomy()
    per_category = metrics["categories"]["per_category"]
    figures = {}
    for group in taxonomy.groups:
        rows = [m for code, m in per_category.items() if taxonomy.group_of(code) == group and m["support"]]
        support = sum(m["support"] for m in rows)
        if support:
            found = sum(round(m["recall"] * m["support"]) for m in rows)
            figures[f"recall of group {group}"] = round(found / support, 4)
    figures["relevance recall"] = metrics["relevance"]["recall"]
    figures["macro-F1"] = metrics["categories"]["macro_f1"]
    if overall:
        figures["relevance F1"] = metrics["relevance"]["f1"]
        figures["micro-F1"] = metrics["categories"]["micro_f1"]
    return figures


@dataclass
class Drop:
    evaluation: str
    figure: str
    active: float
    candidate: float

    def __str__(self) -> str:
        return f"{self.figure} {self.active:.3f} -> {self.candidate:.3f} ({self.evaluation})"


@dataclass
class GateResult:
    candidate: str
    active: str | None
    tolerance: float
    drops: list[Drop] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.drops

    def message(self) -> str:
        if self.passed:
            return (f"{self.candidate} is not worse than {self.active or 'nothing'} on "
                    f"{', '.join(self.compared) or 'no shared evaluation'} (tolerance {self.tolerance})")
        return (f"refusing to promote {self.candidate}: worse than the active model {self.active} beyond "
                f"tolerance {self.tolerance}: " + "; ".join(map(str, self.drops)) + " (use --force to promote anyway)")


def compare(candidate: dict, active: dict, tolerance: float, evaluation: str, overall: bool = False) -> list[Drop]:
    """The figures on which `candidate` metrics fall more than `tolerance` below `active` ones."""
    now, before = gate_figures(candidate, overall), gate_figures(active, overall)
    return [Drop(evaluation, name, before[name], now[name]) for name in before
            if name in now and now[name] < before[name] - tolerance]


def _shipped_metrics(registry: Registry, candidate: str, active: str) -> tuple[dict, dict]:
    """Both models' scores on the shipped held-out split: from the cards when both were scored on
    the same data, otherwise by scoring both now."""
    cards = registry.card(candidate), registry.card(active)
    hashes = [(card.get("heldout_data") or {}).get("hash") for card in cards]
    if hashes[0] and hashes[0] == hashes[1] and all(card.get("heldout_metrics") for card in cards):
        return cards[0]["heldout_metrics"], cards[1]["heldout_metrics"]
    examples = read_examples(HELDOUT_PATH)
    return tuple(_evaluate(registry, version, examples) for version in (candidate, active))


def _evaluate(registry: Registry, version: str, examples: list[Example]) -> dict:
    loaded = registry.load(version)
    return evaluate(loaded.model.predict, examples, load_taxonomy().codes, loaded.version)


def realdev_metrics(registry: Registry, version: str, examples: list[Example]) -> dict:
    """`version`'s scores on the real-text development set: from its card when it was scored on
    these very texts, otherwise scored now and recorded in the card."""
    entry = (registry.card(version).get("evaluations") or {}).get(REALDEV) or {}
    if entry.get("data", {}).get("hash") == data_hash(examples) and entry.get("metrics"):
        return entry["metrics"]
    return record_evaluation(registry, version, REALDEV, examples)["metrics"]


def check_promotion(registry: Registry, candidate: str, tolerance: float = DEFAULT_TOLERANCE,
                    realdev: Path | None = None) -> GateResult:
    """Compare `candidate` with the active model on every evaluation they share, and on the
    real-text development set whose texts are at `realdev` (dataset.realdev_path())."""
    active = registry.active_version()
    result = GateResult(candidate, active, tolerance)
    if active is None or active == candidate:
        return result
    cand_metrics, active_metrics = _shipped_metrics(registry, candidate, active)
    result.compared.append(SHIPPED_HELDOUT)
    result.drops += compare(cand_metrics, active_metrics, tolerance, SHIPPED_HELDOUT)
    if realdev:
        examples = read_examples(realdev)
        result.compared.append(REALDEV)
        result.drops += compare(realdev_metrics(registry, candidate, examples),
                                realdev_metrics(registry, active, examples), tolerance, REALDEV, overall=True)
    for name, extra in (registry.card(candidate).get("evaluations") or {}).items():
        baseline = extra.get("baseline") or {}   # realdev has none: compared above
        if baseline.get("version") == active and baseline.get("metrics"):
            result.compared.append(name)
            result.drops += compare(extra["metrics"], baseline["metrics"], tolerance, name)
    return result


def record_evaluation(registry: Registry, version: str, name: str, examples: list[Example],
                      baseline_version: str | None = None) -> dict:
    """Score `version` (and the baseline model, if any) on extra labeled examples and add the result
    to the version's card under evaluations[name]; return that entry."""
    entry = {"data": {"hash": data_hash(examples), "n": len(examples)},
             "metrics": _evaluate(registry, version, examples)}
    if baseline_version:
        entry["baseline"] = {"version": baseline_version, "metrics": _evaluate(registry, baseline_version, examples)}
    path = registry.root / version / CARD_FILE
    card = json.loads(path.read_text())
    card.setdefault("evaluations", {})[name] = entry
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
    _rewrite_card_markdown(registry, version, card)
    return entry


def _rewrite_card_markdown(registry: Registry, version: str, card: dict) -> None:
    """Keep the human-readable card (card.md), where the registry writes one, in step with card.json."""
    try:
        from .model_card import card_markdown
        from .registry import CARD_MD_FILE
    except ImportError:
        return
    (registry.root / version / CARD_MD_FILE).write_text(card_markdown(card))
