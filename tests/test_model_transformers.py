"""The transformers path trains and predicts with a tiny model built here (never downloaded)."""
import json
from collections import Counter

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: pip install -e '.[transformers]'")
transformers = pytest.importorskip("transformers", reason="transformers is not installed: pip install -e '.[transformers]'")

from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, read_examples  # noqa: E402
from classifiers.registry import Registry  # noqa: E402
from classifiers.transformer_model import TransformerIncidentModel, train_transformer_version  # noqa: E402
from classifiers.understand import Understander  # noqa: E402

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A 2-layer, 32-wide BERT with a word vocabulary from the training texts, saved like a real local model."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast
    folder = tmp_path_factory.mktemp("tiny-bert")
    words = Counter(w for ex in read_examples(TRAIN_PATH) for w in ex.text.lower().split())
    vocab = SPECIAL + [w for w, _ in words.most_common(3000) if w.isalpha()]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True, strip_accents=False)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_tiny_model_trains_predicts_saves_and_loads(tiny_model_dir, tmp_path):
    train = read_examples(TRAIN_PATH)[::4]
    heldout = read_examples(HELDOUT_PATH)[::8]
    registry = Registry(tmp_path / "models")
    version = train_transformer_version(train, heldout, registry, tiny_model_dir, epochs=2)
    card = registry.card(version)
    assert card["backend"] == "transformers" and card["uses_embeddings"] is False
    assert card["heldout_metrics"]["n"] == len(heldout)
    assert (registry.root / version / "hf" / "config.json").exists()
    config = json.loads((registry.root / version / "hf" / "config.json").read_text())
    assert config["problem_type"] == "multi_label_classification"

    loaded = registry.load(version)
    assert isinstance(loaded.model, TransformerIncidentModel)
    prediction = Understander(loaded).understand("Журналиста задержали", "Полиция задержала журналиста в Алматы.")
    assert prediction.model_version == version
    assert 0.0 <= prediction.relevance <= 1.0
    assert set(prediction.scores) == set(loaded.model.codes)
