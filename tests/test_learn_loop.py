"""Acceptance 1: monitors' decisions retrain the model; the promotion gate accepts a better
candidate and refuses a broken one, naming the figures that dropped.

Small synthetic data and a TF-IDF-only model with a small hashing space (the real
training split takes minutes on two cores)."""
import importlib
import json
import shutil

import pytest
from click.testing import CliRunner

from classifiers.quality_gate import check_promotion, compare, gate_figures
from classifiers.registry import Registry
from classifiers.training import train_version
from review_queue.learning.training_data import CONFIRMED_HELDOUT, decision_examples, train_with_decisions
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from sozwatch.cli import cli

from .fixtures.learning import (RUSSIAN_NEGATIVE, _fill, base_examples, corrupted, decide_articles,
                                russian_detentions)


def small_hashing_space(patch) -> None:
    """Train with 4,096 hashed n-gram features instead of 65,536: seconds instead of minutes."""
    for name in ("classifiers.features", "classifiers.model"):
        module = importlib.import_module(name)
        if hasattr(module, "HASH_FEATURES"):
            patch.setattr(module, "HASH_FEATURES", 2**12)


@pytest.fixture(scope="module")
def base_registry(tmp_path_factory):
    """A registry whose active model was trained on English only (once per module; copied per test)."""
    with pytest.MonkeyPatch.context() as patch:
        small_hashing_space(patch)
        registry = Registry(tmp_path_factory.mktemp("base") / "models")
        base = train_version(base_examples(0), base_examples(5, per_category=4), registry,
                             use_embeddings=False, cache_path=None)
        registry.promote(base)
    return registry.root


@pytest.fixture
def world(tmp_path, base_registry, monkeypatch):
    """The English-only active model, and a queue where monitors confirmed Russian detentions."""
    small_hashing_space(monkeypatch)
    shutil.copytree(base_registry, tmp_path / "models")
    registry = Registry(tmp_path / "models")
    train, heldout = base_examples(0), base_examples(5, per_category=4)
    base = registry.active_version()
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


def test_train_command_adds_decisions_and_reclassify_rescores_with_the_new_model(world, tmp_path, monkeypatch):
    registry, store, train, heldout, base = world
    for name, examples in (("train", train), ("heldout", heldout)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"text": ex.text, "labels": ex.labels, "lang": ex.lang}) + "\n"
                                for ex in examples), encoding="utf-8")
        monkeypatch.setattr(f"sozwatch.cli.models.{name.upper()}_PATH", path)    # the shipped splits, small
    runner = CliRunner()
    args = ["--models-dir", str(registry.root), "--db", str(store.path)]
    result = runner.invoke(cli, [*args, "train", "--no-embeddings", "--promote", "active"])
    assert result.exit_code == 0, result.output
    version = registry.active_version()
    assert version != base and registry.card(version)["decisions"]["up_to_decision_id"] == 24

    without = runner.invoke(cli, [*args, "train", "--no-embeddings", "--no-decisions"])
    assert without.exit_code == 0, without.output
    assert sum(registry.card(registry.versions()[-1])["decisions"]["trained_on"].values()) == 0

    # A pending Russian detention the old model scored low: re-scored, its first prediction kept.
    from review_queue.learning.reclassify import prediction_history
    from .fixtures.learning import russian_detentions
    stored = store.add_article({"url": "https://example.org/pending", "title": "", "lang": "ru", "source": "x",
                                "text": russian_detentions(11, 1)[0]})
    from classifiers.model import Prediction
    store.add_prediction(stored.id, Prediction(0.3, True, {}, ["A.threat"], base))
    result = runner.invoke(cli, [*args, "reclassify"])
    assert result.exit_code == 0, result.output
    assert f"re-scored 1 pending items with {version}" in result.output
    history = prediction_history(store, stored.id)
    assert [p["model_version"] for p in history] == [base, version]
    assert history[-1]["categories"] == ["A.detention"]
