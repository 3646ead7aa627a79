"""The sources file: which sites to crawl and how to find their articles."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_SOURCES = Path(__file__).with_name("sources.yaml")


class SourcesError(ValueError):
    """The sources file is missing or malformed; the message says where."""


@dataclass
class Source:
    name: str
    language: str = ""                      # a hint; each article's language is detected
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    title: str = ""


def load_sources(path: Path | str = DEFAULT_SOURCES) -> list[Source]:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise SourcesError(f"{path}: expected a top-level 'sources:' list")
    sources = []
    for index, entry in enumerate(raw["sources"], start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise SourcesError(f"{path}: source #{index} has no 'name'")
        known = {k: entry[k] for k in Source.__dataclass_fields__ if k in entry}
        source = Source(**known)
        if not (source.feeds or source.sitemaps or source.start_urls):
            raise SourcesError(f"{path}: source {source.name!r} has no feeds, sitemaps or start_urls")
        sources.append(source)
    return sources
