"""Model versions: train (tiny, no embeddings), card, promote, roll back; predictions record their version."""
import json

import pytest
from click.testing import CliRunner

from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, read_examples
from classifiers.registry import ModelError, Registry
from classifiers.training import train_version
from classifiers.understand import Understander
from review_queue.storage.store import Store
from sozwatch.cli import cli


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Two tiny TF-IDF-only versions: fast, and enough to exercise the registry."""
    train = read_examples(TRAIN_PATH)[::5]
    heldout = read_examples(HELDOUT_PATH)[::6]
    reg = Registry(tmp_path_factory.mktemp("models"))
    first = train_version(train, heldout, reg, use_embeddings=False, cache_path=None)
    second = train_version(train[1:], heldout, reg, use_embeddings=False, cache_path=None)
    reg.promote(first)
    reg.promote(second)
    return reg, first, second


def test_version_folder_has_weights_cards_labels_and_thresholds(registry):
    reg, first, _ = registry
    folder = reg.root / first
    assert {"model.pkl.gz", "card.json", "card.md"} <= {p.name for p in folder.iterdir()}
    card = reg.card(first)
    assert card["training_data"]["hash"] and card["training_data"]["per_language"]
    assert set(card["thresholds"]) <= set(card["heldout_metrics"]["categories"]["per_category"]) | set(card["thresholds"])
    assert card["heldout_metrics"]["per_language"]["kk"]["categories"]["per_category"]
    assert card["code_version"]["classifiers_sha256"]
    markdown = (folder / "card.md").read_text()
    assert "| category |" in markdown and "| kk |" in markdown


def test_promote_then_roll_back(registry):
    reg, first, second = registry
    assert reg.active_version() == second
    assert reg.rollback() == first
    assert reg.active_version() == first
    assert reg.load().version == first
    reg.promote(second)


def test_rollback_without_history_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="nothing to roll back"):
        Registry(tmp_path).rollback()


def test_cli_models_list_promote_rollback(registry):
    reg, first, second = registry
    runner = CliRunner()
    listed = runner.invoke(cli, ["--models-dir", str(reg.root), "models", "list"])
    assert listed.exit_code == 0 and second in listed.output and "active" in listed.output
    assert runner.invoke(cli, ["--models-dir", str(reg.root), "models", "rollback"]).exit_code == 0
    assert reg.active_version() == first
    assert runner.invoke(cli, ["--models-dir", str(reg.root), "models", "promote", second, "--force"]).exit_code == 0
    assert reg.active_version() == second
    shown = runner.invoke(cli, ["--models-dir", str(reg.root), "models", "show", "--json"])
    assert json.loads(shown.output)["version"] == second


def test_predictions_record_the_model_version_and_details(registry, tmp_path):
    reg, _, second = registry
    understander = Understander.from_registry(reg, second)
    text = ("Журналиста задержали в Алматы\nПолиция задержала журналиста Ивана Петрова; суд арестовал его на "
            "10 суток по ч. 3 ст. 456-2 КоАП.")
    prediction = understander.understand("", text)
    prediction.is_candidate = True   # a tiny model may hesitate; the store path is what is tested
    store = Store(tmp_path / "q.db")
    article = store.add_article({"url": "https://example.kz/1", "title": "t", "text": text, "source": "test"})
    store.add_prediction(article.id, prediction)
    row = store.db.execute("SELECT model_version, details FROM predictions").fetchone()
    assert row[0] == second
    assert isinstance(json.loads(row[1]), dict)
