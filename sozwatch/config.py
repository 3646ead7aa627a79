"""Entry points: one settings object: defaults, then environment variables, then command-line flags."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from classifiers.registry import MODELS_DIR
from crawler.sources import DEFAULT_SOURCES


@dataclass(frozen=True)
class Config:
    db: Path = Path("sozwatch.db")
    models_dir: Path = MODELS_DIR
    sources: Path = DEFAULT_SOURCES
    log_level: str = "INFO"
    classify_batch: int = 32         # SOZWATCH_CLASSIFY_BATCH: articles per model call in the classify stage
    classify_lease: float = 300.0    # SOZWATCH_CLASSIFY_LEASE: seconds before a silent worker's claims are taken

    @classmethod
    def from_env(cls, environ=os.environ) -> "Config":
        config = cls()
        for field_name, variable in (("db", "SOZWATCH_DB"), ("models_dir", "SOZWATCH_MODELS_DIR"),
                                     ("sources", "SOZWATCH_SOURCES")):
            if environ.get(variable):
                config = replace(config, **{field_name: Path(environ[variable])})
        if environ.get("SOZWATCH_CLASSIFY_BATCH"):
            config = replace(config, classify_batch=int(environ["SOZWATCH_CLASSIFY_BATCH"]))
        if environ.get("SOZWATCH_CLASSIFY_LEASE"):
            config = replace(config, classify_lease=float(environ["SOZWATCH_CLASSIFY_LEASE"]))
        if environ.get("SOZWATCH_LOG_LEVEL"):
            config = replace(config, log_level=environ["SOZWATCH_LOG_LEVEL"].upper())
        return config

    def with_flags(self, **flags) -> "Config":
        """Flags given on the command line (None = not given) override the rest."""
        given = {k: (Path(v) if k in ("db", "models_dir", "sources") else v) for k, v in flags.items() if v is not None}
        return replace(self, **given)
