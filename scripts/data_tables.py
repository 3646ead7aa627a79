"""Print the size tables of the data card (classifiers/data/README.md) from the shipped files.

Run after `scripts/split_data.py`: `python scripts/data_tables.py`, then paste the output
into the card's "Sizes" section, so the card always describes the data it ships with.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "classifiers" / "data"
LANGS = ("kk", "ru", "en")


def read(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    train, heldout = read("train.jsonl"), read("heldout.jsonl")
    everything = train + heldout
    size = {name: Counter(r["lang"] for r in part) for name, part in (("train", train), ("held-out", heldout))}
    print(table(["split", *LANGS, "total"],
                [[name, *(size[name][lang] for lang in LANGS), sum(size[name].values())] for name in size]
                + [["all", *(size["train"][lang] + size["held-out"][lang] for lang in LANGS), len(everything)]]))
    print("\n**Examples per category and language** (all data; train / held-out in brackets; "
          "an example may carry 2–3 codes)\n")
    per = {name: Counter((r["lang"], code) for r in part for code in r["labels"])
           for name, part in (("train", train), ("held-out", heldout))}
    codes = sorted({code for r in everything for code in r["labels"]}, key=lambda c: (c == "NONE", c))
    print(table(["category", *LANGS], [
        [code, *(f"{per['train'][(lang, code)] + per['held-out'][(lang, code)]} "
                 f"({per['train'][(lang, code)]}/{per['held-out'][(lang, code)]})" for lang in LANGS)]
        for code in codes]))
    for field, title in (("style", "Styles"), ("kind", "Kinds of non-incidents")):
        counts = Counter((r["lang"], r[field]) for r in everything if r.get(field))
        values = sorted({value for _, value in counts})
        print(f"\n**{title}**\n")
        print(table([field, *LANGS], [[value, *(counts[(lang, value)] for lang in LANGS)] for value in values]))


if __name__ == "__main__":
    main()
