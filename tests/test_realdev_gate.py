"""The real-text development set in the promotion gate, and kept out of training.

Tiny TF-IDF-only models on the synthetic examples of tests/fixtures/learning.py; the
development set here is a file the test writes (the real one is gitignored and may be absent)."""
import json
import shutil

import pytest
from click.testing import CliRunner

from classifiers.dataset import read_examples
from classifiers.quality_gate import REALDEV, check_promotion
from classifiers.registry import Registry
from classifiers.training import train_version
from sozwatch.cli import cli

from .fixtures.learning import base_examples
from .test_learn_loop import small_hashing_space


def write_examples(path, examples):
    path.write_text("".join(json.dumps({"id": f"x{i}", "text": ex.text, "lang": ex.lang, "labels": ex.labels},
                                       ensure_ascii=False) + "\n" for i, ex in enumerate(examples)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """Two versions trained on the same data (so equal on the shipped held-out split), the first active."""
    with pytest.MonkeyPatch.context() as patch:
        small_hashing_space(patch)
        registry = Registry(tmp_path_factory.mktemp("twins") / "models")
        train, heldout = base_examples(0), base_examples(5, per_category=4)
        active = train_version(train, heldout, registry, use_embeddings=False, cache_path=None)
        candidate = train_version(train, heldout, registry, use_embeddings=False, cache_path=None)
    registry.promote(active)
    return registry, active, candidate


@pytest.fixture
def world(twins, tmp_path):
    registry, active, candidate = twins
    copy = Registry(tmp_path / "models")
    shutil.copytree(registry.root, copy.root)
    realdev = write_examples(tmp_path / "realdev.jsonl", base_examples(9, per_category=3))
    return copy, active, candidate, realdev


def worse(metrics: dict) -> dict:
    """The same scores with relevance F1 and micro-F1 0.1 lower."""
    bad = json.loads(json.dumps(metrics))
    bad["relevance"]["f1"] -= 0.1
    bad["categories"]["micro_f1"] -= 0.1
    return bad


def test_the_gate_scores_both_models_on_the_development_set_and_records_it(world):
    registry, active, candidate, realdev = world
    gate = check_promotion(registry, candidate, realdev=realdev)
    assert gate.passed, gate.message()
    assert gate.compared == ["shipped_heldout", REALDEV]
    for version in (active, candidate):
        assert registry.card(version)["evaluations"][REALDEV]["data"]["n"] == len(read_examples(realdev))


def test_a_candidate_worse_on_the_development_set_is_refused(world, monkeypatch):
    registry, active, candidate, realdev = world
    check_promotion(registry, candidate, realdev=realdev)          # both cards now hold realdev scores
    card_path = registry.root / candidate / "card.json"
    card = json.loads(card_path.read_text())
    card["evaluations"][REALDEV]["metrics"] = worse(card["evaluations"][REALDEV]["metrics"])
    card_path.write_text(json.dumps(card))

    assert check_promotion(registry, candidate).passed              # the held-out split alone cannot tell
    gate = check_promotion(registry, candidate, realdev=realdev)
    assert not gate.passed
    assert {(d.evaluation, d.figure) for d in gate.drops} == {(REALDEV, "relevance F1"), (REALDEV, "micro-F1")}

    monkeypatch.setenv("SOZWATCH_REALDEV", str(realdev))
    refused = CliRunner().invoke(cli, ["--models-dir", str(registry.root), "models", "promote", candidate])
    assert refused.exit_code == 1
    assert "relevance F1" in refused.output and "(realdev)" in refused.output
    assert registry.active_version() == active


def test_training_never_reads_the_development_set(tmp_path, monkeypatch):
    """`sozwatch train` with the development set present (labels deliberately wrong) and absent
    gives the same model: identical predictions on the held-out split."""
    small_hashing_space(monkeypatch)
    train, heldout = base_examples(0), base_examples(5, per_category=4)
    paths = {"TRAIN_PATH": write_examples(tmp_path / "train.jsonl", train),
             "HELDOUT_PATH": write_examples(tmp_path / "heldout.jsonl", heldout)}
    for name, path in paths.items():
        monkeypatch.setattr(f"sozwatch.cli.models.{name}", path)
    poison = [type(ex)(text=ex.text, labels=["NONE"] if ex.labels != ["NONE"] else ["A.attack"], lang=ex.lang)
              for ex in base_examples(0)]
    realdev = write_examples(tmp_path / "realdev.jsonl", poison)

    predictions = {}
    for present in (True, False):
        monkeypatch.setenv("SOZWATCH_REALDEV", str(realdev) if present else "")
        models = tmp_path / f"models-{present}"
        result = CliRunner().invoke(cli, ["--models-dir", str(models), "train", "--no-embeddings", "--no-decisions"])
        assert result.exit_code == 0, result.output
        registry = Registry(models)
        version = registry.versions()[0]
        assert (REALDEV in (registry.card(version).get("evaluations") or {})) == present   # measured, not learned
        predictions[present] = [(p.relevance, p.categories, p.scores)
                                for p in registry.load(version).model.predict([ex.text for ex in heldout])]
    assert predictions[True] == predictions[False]
