"""Acceptance 1: monitors' decisions retrain the model; the promotion gate accepts a better
candidate and refuses a broken one, naming the figures that dropped.

Small synthetic data and a TF-IDF-only model with a small hashing space (the real
training split takes minutes on two cores)."""
import json

import pytest
from click.testing import CliRunner

from classifiers.quality_gate import check_promotion, compare, gate_figures
from classifiers.registry import Registry
from classifiers.training import train_version
from review_queue.store import Store
from review_queue.training_data import CONFIRMED_HELDOUT, decision_examples, train_with_decisions
from review_queue.users import add_user
from sozwatch.cli import cli

from .fixtures.learning import (RUSSIAN_NEGATIVE, _fill, base_examples, corrupted, decide_articles,
                                russian_detentions)


@pytest.fixture
def small_models(monkeypatch):
    monkeypatch.setattr("classifiers.model.HASH_FEATURES", 2**12)


@pytest.fixture
def world(tmp_path, small_models):
    """An active model trained on English only, and a queue where monitors confirmed Russian detentions."""
    registry = Registry(tmp_path / "models")
    train, heldout = base_examples(0), base_examples(5, per_category=4)
    base = train_version(train, heldout, registry, use_embeddings=False, cache_path=None)
    registry.promote(base)
    store = Store(tmp_path / "queue.db")
    monitor = add_user(store, "monitor", "correct horse battery")
    decide_articles(store, monitor, russian_detentions(0, 15), "confirm", "ru-detention", ["A.detention"])
    decide_articles(store, monitor, _fill(RUSSIAN_NEGATIVE, 0, 9), "reject", "ru-other")
    return registry, store, train, heldout, base


def test_decisions_become_examples_with_lineage(world):
    _, store, *_ = world
    decisions = decision_examples(store)
    assert len(decisions.train) + len(decisions.heldout) == 24
    lineage = decisions.lineage
    assert sum(lineage["trained_on"].values()) + sum(lineage["heldout"].values()) == 24
    assert lineage["up_to_decision_id"] == 24
    negatives = [ex for ex in decisions.train + decisions.heldout if ex.labels == ["NONE"]]
    assert len(negatives) == 9
    # The held-out part is fixed: the same items whatever else is in the database.
    assert [ex.id for ex in decision_examples(store).heldout] == [ex.id for ex in decisions.heldout]


def test_retraining_on_decisions_fixes_the_phrasing_and_promote_accepts_it(world, tmp_path):
    registry, store, train, heldout, base = world
    unseen = russian_detentions(7, 6)          # new sentences in the phrasing monitors confirmed
    before = registry.load(base).model.predict(unseen)
    assert sum("A.detention" in p.categories for p in before) <= 1    # the shipped model misses them

    candidate = train_with_decisions(store, registry, train, heldout, use_embeddings=False)
    after = registry.load(candidate).model.predict(unseen)
    assert all(p.is_candidate and "A.detention" in p.categories for p in after)

    card = registry.card(candidate)
    assert card["decisions"]["up_to_decision_id"] == 24
    assert card["decisions"]["trained_on"]["confirmed"] + card["decisions"]["heldout"]["confirmed"] == 15
    assert card["evaluations"][CONFIRMED_HELDOUT]["baseline"]["version"] == base

    gate = check_promotion(registry, candidate)
    assert gate.passed, gate.message()
    assert gate.compared == ["shipped_heldout", CONFIRMED_HELDOUT]
    result = CliRunner().invoke(cli, ["--models-dir", str(registry.root), "models", "promote", candidate])
    assert result.exit_code == 0, result.output
    assert registry.active_version() == candidate


def test_a_corrupted_training_set_is_refused_naming_the_figures(world):
    registry, store, train, heldout, base = world
    broken = train_with_decisions(store, registry, corrupted(train), heldout, use_embeddings=False)
    gate = check_promotion(registry, broken)
    assert not gate.passed
    named = {drop.figure for drop in gate.drops}
    assert {"recall of group A", "macro-F1"} <= named

    runner = CliRunner()
    refused = runner.invoke(cli, ["--models-dir", str(registry.root), "models", "promote", broken])
    assert refused.exit_code == 1
    assert "refusing to promote" in refused.output and "recall of group A" in refused.output
    assert "macro-F1" in refused.output
    assert registry.active_version() == base
    forced = runner.invoke(cli, ["--models-dir", str(registry.root), "models", "promote", broken, "--force"])
    assert forced.exit_code == 0 and registry.active_version() == broken


def test_gate_figures_pool_recall_over_each_group_within_tolerance():
    def metrics(recalls, macro):
        return {"relevance": {"recall": 1.0},
                "categories": {"macro_f1": macro, "per_category": {
                    code: {"recall": r, "support": s} for code, (r, s) in recalls.items()}}}
    active = metrics({"A.attack": (1.0, 2), "A.threat": (0.5, 2), "C.civil": (1.0, 4)}, 0.80)
    assert gate_figures(active)["recall of group A"] == 0.75          # 3 of 4 found
    slightly_worse = metrics({"A.attack": (1.0, 2), "A.threat": (0.5, 2), "C.civil": (1.0, 4)}, 0.79)
    assert compare(slightly_worse, active, tolerance=0.02, evaluation="x") == []
    worse = metrics({"A.attack": (0.5, 2), "A.threat": (0.5, 2), "C.civil": (1.0, 4)}, 0.80)
    drops = compare(worse, active, tolerance=0.02, evaluation="x")
    assert [str(d) for d in drops] == ["recall of group A 0.750 -> 0.500 (x)"]
    assert json.dumps([d.figure for d in drops]) == '["recall of group A"]'
