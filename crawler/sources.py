"""Crawl: the sources file: which sites, channels and court portals to crawl, and how.

Read in one place: `load_sources` (strict: any mistake is an error), `usable_sources` (what a
crawl runs: bad entries reported as FILE:LINE and skipped); `validate_sources` reports every
mistake with its line number, for `sozwatch sources validate`; `addresses` lists every URL and
channel with the evidence recorded for it (`validate --evidence`). The format is documented in README.md
("Crawling"); the shipped registry is crawler/sources.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .court import form_problems

DEFAULT_SOURCES = Path(__file__).with_name("sources.yaml")
KINDS = ("news", "telegram", "court")
LANGUAGES = ("kk", "ru", "en")
DISCOVERY = ("fallback", "all")
URL_LISTS = ("feeds", "sitemaps", "start_urls")
DEFAULT_INTERVAL = {"news": "1h", "telegram": "30m", "court": "1d"}
DEFAULT_MAX_SILENCE = {"news": "3d", "telegram": "7d", "court": "30d"}
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
CHANNEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
DURATION = re.compile(r"^(\d+)\s*([smhd])$")
COURT_FIELDS = ("court", "date", "time", "case_number", "judge", "parties", "article", "subject")


class SourcesError(ValueError):
    """The sources file is missing or malformed; the message says where."""


@dataclass
class Source:
    name: str
    kind: str = "news"
    title: str = ""
    language: str = ""                      # a hint; each article's language is detected
    languages: list[str] = field(default_factory=list)
    region: str = ""                        # "national", or the oblast / city
    homepage: str = ""
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)     # listing pages (news) or notice lists (court)
    allowed_domains: list[str] = field(default_factory=list)
    discovery: str = "fallback"             # fallback: feeds, else sitemaps, else listings; all: feeds + sitemaps
    link_allow: list[str] = field(default_factory=list)     # listing links: regexes an article URL matches
    link_deny: list[str] = field(default_factory=list)
    channel: str = ""                       # telegram: the public channel's username
    base_url: str = "https://t.me"          # telegram: where the channel previews are served
    max_pages: int = 5                      # telegram: preview pages per run (20 posts each)
    court: dict = field(default_factory=dict)   # court: selectors (row, fields, next_page, follow), form
    match: dict = field(default_factory=dict)   # court: articles / keywords that make a notice relevant
    interval: str = ""                      # how often `sozwatch schedule` runs it
    max_silence: str = ""                   # `sources status` flags it when nothing new for this long
    concurrency: int = 0                    # parallel requests to its host (0: the crawl default, 2)
    delay: float = -1.0                     # seconds between requests to its host (-1: the crawl default)
    notes: str = ""

    def __post_init__(self):
        if self.language and not self.languages:
            self.languages = [self.language]
        self.language = self.language or (self.languages[0] if self.languages else "")
        self.interval = self.interval or DEFAULT_INTERVAL.get(self.kind, "1h")
        self.max_silence = self.max_silence or DEFAULT_MAX_SILENCE.get(self.kind, "3d")
        if not self.allowed_domains:
            hosts = {urlsplit(u).hostname for u in (*self.feeds, *self.sitemaps, *self.start_urls, self.homepage)}
            self.allowed_domains = sorted(h for h in hosts if h)

    @property
    def interval_delta(self) -> timedelta:
        return parse_duration(self.interval)

    @property
    def silence_delta(self) -> timedelta:
        return parse_duration(self.max_silence)

    def hosts(self) -> set[str]:
        urls = (*self.feeds, *self.sitemaps, *self.start_urls,
                f"{self.base_url}/s/{self.channel}" if self.kind == "telegram" else "")
        return {urlsplit(u).hostname for u in urls if u and urlsplit(u).hostname}


def parse_duration(text: str | int) -> timedelta:
    """'30m', '6h', '1d' (or a number of minutes) as a timedelta."""
    if isinstance(text, int) and not isinstance(text, bool):
        return timedelta(minutes=text)
    match = DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 6h, 2d)")
    n, unit = int(match[1]), match[2]
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: n})


# -- validation -----------------------------------------------------------------------
@dataclass
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _compose(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc}") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return Problem(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")


def _line(node) -> int:
    return node.start_mark.line + 1


def _evidence_problems(item: dict, key: str) -> list[str]:
    """What is wrong with a `{url|name: …, verified: "where"}` mapping."""
    if set(item) - {key, "verified"}:
        return [f"an entry takes only '{key}' and 'verified'"]
    if "verified" in item and (not isinstance(item["verified"], str) or not item["verified"].strip()):
        return ["'verified' says where the address was found (a public-code search, a repository path or a page URL)"]
    return []


def _entry_problems(node, seen_names: dict[str, int]) -> list[Problem]:
    """Every mistake in one source entry (a YAML mapping node)."""
    problems: list[Problem] = []
    if not isinstance(node, yaml.MappingNode):
        return [Problem(_line(node), "a source must be a mapping (name: …, kind: …)")]
    keys = {k.value: (k, v) for k, v in node.value}
    entry = yaml.safe_load(yaml.serialize(node))
    fields = Source.__dataclass_fields__

    def bad(key: str, message: str) -> None:
        problems.append(Problem(_line(keys[key][1] if key in keys else node), message))

    for key, (knode, _) in keys.items():
        if key not in fields:
            close = [f for f in fields if f.startswith(key[:3])]
            problems.append(Problem(_line(knode), f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")))
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        problems.append(Problem(_line(node), "source has no 'name'"))
        name = None
    elif not NAME.match(name):
        bad("name", f"name {name!r}: use lower-case letters, digits, '-', '_' or '.'")
    elif name in seen_names:
        bad("name", f"duplicate name {name!r} (first on line {seen_names[name]})")
    else:
        seen_names[name] = _line(keys["name"][1])
    kind = entry.get("kind", "news")
    if kind not in KINDS:
        bad("kind", f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    langs = entry.get("languages") or ([entry["language"]] if entry.get("language") else [])
    if not isinstance(langs, list) or any(lang not in LANGUAGES for lang in langs):
        bad("languages" if "languages" in keys else "language", f"languages {langs!r}: use {', '.join(LANGUAGES)}")
    for key in URL_LISTS:
        value = entry.get(key, [])
        if not isinstance(value, list):
            bad(key, f"{key} must be a list of URLs")
            continue
        for i, item in enumerate(value):
            url = item.get("url") if isinstance(item, dict) else item
            where = keys[key][1].value[i] if isinstance(keys[key][1], yaml.SequenceNode) else keys[key][1]
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                problems.append(Problem(_line(where), f"{key}: not an http(s) URL: {url!r}"))
            elif isinstance(item, dict):
                problems += [Problem(_line(where), f"{key}: {m}") for m in _evidence_problems(item, "url")]
    for key in ("link_allow", "link_deny"):
        for pattern in entry.get(key, []) or []:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                bad(key, f"{key}: bad regular expression {pattern!r}: {exc}")
    for key in ("interval", "max_silence"):
        if key in entry:
            try:
                parse_duration(entry[key])
            except ValueError as exc:
                bad(key, str(exc))
    if "concurrency" in entry and (not isinstance(entry["concurrency"], int) or not 1 <= entry["concurrency"] <= 8):
        bad("concurrency", "concurrency: a whole number from 1 to 8 (parallel requests to the host)")
    if "delay" in entry and (not isinstance(entry["delay"], (int, float)) or entry["delay"] < 0):
        bad("delay", "delay: seconds between requests, 0 or more")
    if entry.get("discovery", "fallback") not in DISCOVERY:
        bad("discovery", f"discovery: expected one of {', '.join(DISCOVERY)}")
    if kind == "news" and not any(entry.get(k) for k in URL_LISTS):
        problems.append(Problem(_line(node), f"source {name!r} has no feeds, sitemaps or start_urls"))
    channel = entry.get("channel", "")
    if isinstance(channel, dict):
        for message in _evidence_problems(channel, "name"):
            bad("channel", f"channel: {message}")
    if kind == "telegram" and not CHANNEL.match(str(_name(channel))):
        bad("channel", f"telegram source {name!r} needs 'channel': the public username (5-32 letters, digits, _)")
    if kind == "court":
        court = entry.get("court")
        if not entry.get("start_urls"):
            problems.append(Problem(_line(node), f"court source {name!r} needs start_urls (the notice listings)"))
        if not isinstance(court, dict) or not court.get("row") or not isinstance(court.get("fields"), dict):
            bad("court", "court: needs 'row' (a CSS selector for one notice) and 'fields' (field: CSS selector)")
        else:
            unknown = set(court["fields"]) - set(COURT_FIELDS)
            if unknown:
                bad("court", f"court.fields: unknown {sorted(unknown)}; known: {', '.join(COURT_FIELDS)}")
            court_node = keys["court"][1]
            form_node = next((k for k, _ in court_node.value if k.value == "form"), court_node)
            for message in form_problems(court):
                problems.append(Problem(_line(form_node), f"court source {name!r}: {message}"))
        match = entry.get("match", {})
        if not isinstance(match, dict) or set(match) - {"articles", "keywords"}:
            bad("match", "match: takes 'articles' and 'keywords' lists")
    return problems


def _entries(path: Path) -> tuple[list, list[Problem]]:
    """([(entry node, its problems)], problems of the file as a whole)."""
    root = _compose(path)
    if isinstance(root, Problem):
        return [], [root]
    if not isinstance(root, yaml.MappingNode) or "sources" not in {k.value for k, _ in root.value}:
        return [], [Problem(_line(root) if root else 1, "expected a top-level 'sources:' list")]
    node = dict((k.value, v) for k, v in root.value)["sources"]
    if not isinstance(node, yaml.SequenceNode):
        return [], [Problem(_line(node), "'sources' must be a list")]
    seen: dict[str, int] = {}
    return [(entry, _entry_problems(entry, seen)) for entry in node.value], []


def validate_sources(path: Path | str) -> list[Problem]:
    """Every mistake in the file, in line order; [] when it is fine. Unreadable file: SourcesError."""
    entries, problems = _entries(Path(path))
    problems += [p for _, entry_problems in entries for p in entry_problems]
    return sorted(problems, key=lambda p: p.line)


def _urls(value) -> list[str]:
    return [item["url"] if isinstance(item, dict) else item for item in value or []]


def _name(channel) -> str:
    return channel.get("name", "") if isinstance(channel, dict) else channel


def _source(node) -> Source:
    entry = yaml.safe_load(yaml.serialize(node))
    entry = {**entry, **{key: _urls(entry.get(key)) for key in URL_LISTS},
             "channel": _name(entry.get("channel", ""))}
    return Source(**{k: v for k, v in entry.items() if k in Source.__dataclass_fields__})


def read_sources(path: Path | str = DEFAULT_SOURCES) -> tuple[list[Source], list[Problem]]:
    """The good entries of the file, and the problems of the bad ones, which are left out: one
    typo must not stop every other source. SourcesError when the file as a whole is unusable
    (missing, not YAML, no `sources:` list)."""
    path = Path(path)
    entries, problems = _entries(path)
    if problems:
        raise SourcesError(f"{path}:{problems[0].line}: {problems[0].message}")
    sources = [_source(node) for node, entry_problems in entries if not entry_problems]
    return sources, sorted((p for _, entry_problems in entries for p in entry_problems), key=lambda p: p.line)


def _named(path: Path, sources: list[Source], names: list[str] | None, left_out: str = "") -> list[Source]:
    if not names:
        return sources
    unknown = set(names) - {s.name for s in sources}
    if unknown:
        raise SourcesError(f"{path}: no source named {', '.join(sorted(unknown))}{left_out}")
    return [s for s in sources if s.name in names]


def load_sources(path: Path | str = DEFAULT_SOURCES, names: list[str] | None = None) -> list[Source]:
    """The sources in the file (only `names`, when given); SourcesError naming the first mistakes."""
    path = Path(path)
    problems = validate_sources(path)
    if problems:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more; run `sozwatch sources validate`)" if len(problems) > 3 else ""
        raise SourcesError(f"{path}: {shown}{more}")
    return _named(path, read_sources(path)[0], names)


def usable_sources(path: Path | str = DEFAULT_SOURCES, names: list[str] | None = None,
                   report=None) -> list[Source]:
    """What a crawl runs: the good entries (only `names`, when given); each bad entry is passed to
    `report` as "FILE:LINE: message" and skipped. SourcesError when the file as a whole is unusable,
    no entry is good, or a named source is missing or bad."""
    path = Path(path)
    sources, problems = read_sources(path)
    if problems and not sources:   # nothing left to crawl: the file is as good as unusable
        shown = "; ".join(str(p) for p in problems[:3])
        raise SourcesError(f"{path}: no usable source: {shown}" + (" …" if len(problems) > 3 else ""))
    for problem in problems if report else ():
        report(f"{path}:{problem.line}: {problem.message}")
    left_out = " among the good entries (see the problems above)" if problems else ""
    return _named(path, sources, names, left_out)


# -- evidence ---------------------------------------------------------------------------
@dataclass
class Address:
    source: str
    line: int
    url: str
    verified: str           # where the address was found; "" when nobody has checked it


def addresses(path: Path | str = DEFAULT_SOURCES) -> list[Address]:
    """Every feed, sitemap and listing URL and every Telegram channel (as its t.me/s/ page)
    in a valid sources file, in line order, with the evidence recorded for it."""
    root = _compose(Path(path))
    found = []
    for node in dict((k.value, v) for k, v in root.value)["sources"].value:
        keys = {k.value: v for k, v in node.value}
        entry = yaml.safe_load(yaml.serialize(node))
        items = [(item, "url", where) for key in URL_LISTS if key in keys
                 for item, where in zip(entry[key], keys[key].value)]
        if "channel" in keys:
            items.append((entry["channel"], "name", keys["channel"]))
        for item, key, where in items:
            value = item.get(key, "") if isinstance(item, dict) else item
            if key == "name":
                value = f"{entry.get('base_url', Source.base_url)}/s/{value}"
            verified = item.get("verified", "") if isinstance(item, dict) else ""
            found.append(Address(entry["name"], _line(where), value, verified))
    return sorted(found, key=lambda a: a.line)
