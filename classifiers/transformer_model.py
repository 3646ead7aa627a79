"""Understand: the transformers backend: fine-tune a local `AutoModelForSequenceClassification`
(e.g. xlm-roberta-base copied onto disk once) as a multi-label classifier.

Outputs: label 0 is "relevant" (an incident), labels 1.. are the taxonomy's categories;
problem_type="multi_label_classification" (sigmoid per label, BCE loss). Nothing is
downloaded: `model_path` must be a directory holding the model and its tokenizer.
torch and transformers are an optional extra: `pip install -e '.[transformers]'`.
"""
from __future__ import annotations

import logging
import random
from pathlib import Path

import numpy as np

from .dataset import Example
from .model import Prediction
from .taxonomy import NONE, load_taxonomy

log = logging.getLogger(__name__)

WEIGHTS_DIR = "hf"           # inside the model version's folder
RELEVANT = "RELEVANT"
MAX_LENGTH = 256             # title + lead; the rest of a long article rarely changes the label
THRESHOLD = 0.5              # sigmoid outputs; no CV here (each fold is a full fine-tune)


class TransformerIncidentModel:
    backend = "transformers"
    use_embeddings = False

    def __init__(self, codes: list[str], batch_size: int = 16, max_length: int = MAX_LENGTH):
        self.codes = list(codes)
        self.labels = [RELEVANT, *self.codes]
        self.batch_size = batch_size
        self.max_length = max_length
        self.relevance_threshold = THRESHOLD
        self.thresholds = {code: THRESHOLD for code in self.codes}
        self.model = None
        self.tokenizer = None

    # -- pickling: the registry pickles this object; the weights live in hf/ beside it
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("model", "tokenizer")}

    def __setstate__(self, state):
        self.__dict__.update(state, model=None, tokenizer=None)

    def save_files(self, folder: Path) -> None:
        self.model.save_pretrained(folder / WEIGHTS_DIR)
        self.tokenizer.save_pretrained(folder / WEIGHTS_DIR)

    def load_files(self, folder: Path) -> None:
        self._load(folder / WEIGHTS_DIR)

    def _load(self, path: Path | str, new_head: bool = False) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        extra = dict(num_labels=len(self.labels), problem_type="multi_label_classification",
                     id2label=dict(enumerate(self.labels)), label2id={l: i for i, l in enumerate(self.labels)})
        self.model = AutoModelForSequenceClassification.from_pretrained(
            path, **(extra if new_head else {}), ignore_mismatched_sizes=new_head)

    def _targets(self, labels: list[list[str]]) -> np.ndarray:
        y = np.zeros((len(labels), len(self.labels)), dtype=np.float32)
        for i, lab in enumerate(labels):
            if lab != [NONE]:
                y[i, 0] = 1.0
                for code in lab:
                    y[i, self.labels.index(code)] = 1.0
        return y

    def fit(self, texts: list[str], labels: list[list[str]], model_path: Path | str, epochs: int = 3,
            learning_rate: float = 3e-5, seed: int = 13) -> "TransformerIncidentModel":
        import torch
        torch.manual_seed(seed)
        self._load(model_path, new_head=True)
        y = torch.tensor(self._targets(labels))
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=learning_rate)
        order = list(range(len(texts)))
        rng = random.Random(seed)
        self.model.train()
        for epoch in range(epochs):
            rng.shuffle(order)
            total = 0.0
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                inputs = self.tokenizer([texts[i] for i in batch], truncation=True, max_length=self.max_length,
                                        padding=True, return_tensors="pt")
                loss = self.model(**inputs, labels=y[batch]).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
                total += float(loss.detach()) * len(batch)
            log.info("epoch %d: mean loss %.4f", epoch + 1, total / len(texts))
        self.model.eval()
        return self

    def probabilities(self, texts: list[str]) -> np.ndarray:
        import torch
        out = []
        with torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                inputs = self.tokenizer(texts[start:start + self.batch_size], truncation=True,
                                        max_length=self.max_length, padding=True, return_tensors="pt")
                out.append(torch.sigmoid(self.model(**inputs).logits).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)))

    def predict(self, texts: list[str]) -> list[Prediction]:
        predictions = []
        for row in self.probabilities(texts):
            scores = {code: round(float(p), 4) for code, p in zip(self.codes, row[1:])}
            candidate = bool(row[0] >= self.relevance_threshold)
            categories = []
            if candidate:
                categories = [c for c, s in scores.items() if s >= self.thresholds[c]] or [max(scores, key=scores.get)]
            predictions.append(Prediction(relevance=round(float(row[0]), 4), is_candidate=candidate,
                                          scores=scores, categories=sorted(categories)))
        return predictions


def train_transformer_version(train: list[Example], heldout: list[Example], registry, model_path: Path | str,
                              epochs: int = 3, extra_card: dict | None = None) -> str:
    """Fine-tune the local model at `model_path`, score it on `heldout`, save it as a new version."""
    from .training import model_inputs, save_version
    codes = load_taxonomy().codes
    model = TransformerIncidentModel(codes).fit(model_inputs(train), [ex.labels for ex in train],
                                                model_path, epochs=epochs)
    features = f"fine-tuned {Path(model_path).name} (multi-label, {epochs} epochs, first {MAX_LENGTH} tokens)"
    return save_version(model, "hf", features, train, heldout, registry, codes,
                        {"base_model": str(model_path), **(extra_card or {})})
