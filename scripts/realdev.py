"""The real-text development set (classifiers/data/realdev/): build its manifest, rebuild its texts.

    python scripts/realdev.py build PARTS_DIR          # collectors' parts -> manifest.jsonl + texts.jsonl
    python scripts/realdev.py rebuild RESPONSES_DIR    # saved search responses -> texts.jsonl

Third-party text never enters git: `manifest.jsonl` (committed) holds for each passage its
id, language, labels, note, the page address, the search query that returned it, its first
and last six words, its length and the sha1 of its text; `texts.jsonl` (gitignored) holds
the texts in the evaluation format of shared/contracts.md (id, text, lang, labels).

`build` reads PARTS_DIR/{kk,ru,en}.jsonl (id, lang, labels, note, url, query, text; the text
an exact excerpt span with whitespace collapsed). `rebuild` reads every *.json file in
RESPONSES_DIR, each one response of the `search` tool (corpus `pages`) saved as it came
({"results": [{"address"/"url", "excerpt", ...}, ...]}), and cuts each passage out of a
result with the manifest's address: from its first six words to its last six, checked
against length and sha1. Passages that no longer turn up are reported on stderr and dropped.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALDEV = ROOT / "classifiers" / "data" / "realdev"
MANIFEST = REALDEV / "manifest.jsonl"
TEXTS = REALDEV / "texts.jsonl"
MARKER_WORDS = 6
LANGS = ("kk", "ru", "en")


def normalise(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped: the form sha1 and markers refer to."""
    return " ".join(text.split())


def sha1(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


def manifest_row(part: dict) -> dict:
    words = normalise(part["text"]).split()
    return {"id": part["id"], "lang": part["lang"], "labels": part["labels"], "note": part.get("note", ""),
            "url": part["url"], "query": part["query"],
            "first_words": " ".join(words[:MARKER_WORDS]), "last_words": " ".join(words[-MARKER_WORDS:]),
            "length": len(normalise(part["text"])), "sha1": sha1(part["text"])}


def text_row(row: dict, text: str) -> dict:
    return {"id": row["id"], "text": normalise(text), "lang": row["lang"], "labels": row["labels"]}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(parts_dir: Path) -> None:
    parts = []
    for lang in LANGS:
        path = parts_dir / f"{lang}.jsonl"
        if path.exists():
            parts += read_jsonl(path)
    seen: set[str] = set()
    unique = []
    for part in parts:   # the same passage found twice is counted once
        digest = sha1(part["text"])
        if digest not in seen and part["id"] not in seen:
            seen |= {digest, part["id"]}
            unique.append(part)
    write_jsonl(MANIFEST, [manifest_row(p) for p in unique])
    write_jsonl(TEXTS, [text_row(p, p["text"]) for p in unique])
    print(f"{len(unique)} passages ({len(parts) - len(unique)} duplicates left out): {MANIFEST}, {TEXTS}")


def cut(excerpt: str, row: dict) -> str | None:
    """The span of `excerpt` from the row's first six words to its last six, if it has the row's sha1."""
    text = normalise(excerpt)
    start = text.find(row["first_words"])
    while start >= 0:
        end = text.find(row["last_words"], start)
        while end >= 0:
            span = text[start:end + len(row["last_words"])]
            if len(span) == row["length"] and sha1(span) == row["sha1"]:
                return span
            end = text.find(row["last_words"], end + 1)
        start = text.find(row["first_words"], start + 1)
    return None


def rebuild(responses_dir: Path) -> int:
    excerpts: dict[str, list[str]] = {}
    for path in sorted(responses_dir.glob("*.json")):
        for result in json.loads(path.read_text(encoding="utf-8")).get("results", []):
            url = result.get("address") or result.get("url")
            if url and result.get("excerpt"):
                excerpts.setdefault(url, []).append(result["excerpt"])
    rows, missing = [], []
    for row in read_jsonl(MANIFEST):
        found = next((span for ex in excerpts.get(row["url"], []) if (span := cut(ex, row))), None)
        if found is None:
            missing.append(row["id"])
        else:
            rows.append(text_row(row, found))
    write_jsonl(TEXTS, rows)
    for rid in missing:
        print(f"dropped {rid}: its passage no longer turns up in the saved responses", file=sys.stderr)
    print(f"{len(rows)} passages rebuilt, {len(missing)} dropped: {TEXTS}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="manifest + texts from the collectors' parts").add_argument("parts_dir", type=Path)
    sub.add_parser("rebuild", help="texts from saved search responses").add_argument("responses_dir", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        build(args.parts_dir)
        return 0
    return rebuild(args.responses_dir)


if __name__ == "__main__":
    sys.exit(main())
