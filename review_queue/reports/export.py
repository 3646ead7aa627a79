"""Report: confirmed incidents and the decision log as CSV or JSON Lines, category codes as in taxonomy.yaml."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from ..review.double_review import open_round_sql
from ..review.extracted import INCIDENT_KINDS
from ..storage.store import Store

WHATS = ("incidents", "decisions")
BOM = "\ufeff"   # lets Excel read a UTF-8 CSV as UTF-8 (else Cyrillic opens garbled)
FORMATS = ("csv", "jsonl")
LIST_SEPARATOR = ";"   # how lists (categories, victims, URLs) fit in one CSV cell
COLUMNS = {
    "incidents": ["incident_id", "date", "place", "categories", "attack_type", "perpetrator", "victims",
                  *INCIDENT_KINDS, "item_ids", "urls", "notes", "created_by", "created_at", "updated_at"],
    "decisions": ["decision_id", "item_id", "at", "user", "action", "status", "categories", "attack_type",
                  "perpetrator", "victims", "reject_reason", "reject_note", "notes", "incident_id", "url", "title", "overrides"],
}


def incident_records(store: Store) -> Iterator[dict]:
    """Incidents with at least one confirmed article, oldest first."""
    # NULLS FIRST: SQLite's default order for undated incidents, spelled out for PostgreSQL (NULLs last).
    rows = store.db.execute_returning_dicts(
        """SELECT i.*, u.username AS created_by_name,
                  (SELECT json_group_array(a.url) FROM review_items r JOIN articles a ON a.id = r.article_id
                   WHERE r.incident_id = i.id AND r.status = 'confirmed') AS urls,
                  (SELECT json_group_array(r.id) FROM review_items r
                   WHERE r.incident_id = i.id AND r.status = 'confirmed') AS item_ids
           FROM incidents i LEFT JOIN users u ON u.id = i.created_by
           WHERE EXISTS (SELECT 1 FROM review_items r WHERE r.incident_id = i.id AND r.status = 'confirmed')
           ORDER BY i.date NULLS FIRST, i.id""")
    for row in rows:
        yield {"incident_id": row["id"], "date": row["date"], "place": row["place"],
               "categories": json.loads(row["categories"]), "attack_type": row["attack_type"],
               "perpetrator": row["perpetrator"], "victims": json.loads(row["victims"]),
               "item_ids": json.loads(row["item_ids"]), "urls": json.loads(row["urls"]), "notes": row["notes"],
               **_extracted(row["extracted"]),
               "created_by": row["created_by_name"], "created_at": row["created_at"], "updated_at": row["updated_at"]}


def _extracted(stored: str | None) -> dict:
    values = json.loads(stored or "{}")
    return {kind: values.get(kind, []) for kind in INCIDENT_KINDS}


def decision_records(store: Store) -> Iterator[dict]:
    """Every applied decision, oldest first (refused conflicting attempts stay in `queue history`).
    Decisions on an item in an open double-review round are left out until the round is complete:
    any monitor can download this, and the round is blind (double_review.py)."""
    rows = store.db.execute_returning_dicts(
        f"""SELECT d.id, d.item_id, d.username, d.action, d.at, d.after, a.url, a.title
           FROM decisions d JOIN review_items r ON r.id = d.item_id JOIN articles a ON a.id = r.article_id
           WHERE d.applied = 1 AND NOT {open_round_sql("r")} ORDER BY d.id""")
    for row in rows:
        after = json.loads(row["after"])
        yield {"decision_id": row["id"], "item_id": row["item_id"], "at": row["at"], "user": row["username"],
               "action": row["action"], "status": after.get("status"), "categories": after.get("categories", []),
               "attack_type": after.get("attack_type"), "perpetrator": after.get("perpetrator"),
               "victims": after.get("victims", []), "reject_reason": after.get("reject_reason"),
               "reject_note": after.get("reject_note"),
               "notes": after.get("notes"), "incident_id": after.get("incident_id"),
               "url": row["url"], "title": row["title"],
               "overrides": (after.get("overrides") or {}).get("decision_id")}


def records(store: Store, what: str) -> Iterator[dict]:
    if what not in WHATS:
        raise ValueError(f"what must be one of {WHATS}")
    return incident_records(store) if what == "incidents" else decision_records(store)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula (crawled titles!) is quoted with '."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_export(store: Store, what: str, fmt: str, out: io.TextIOBase) -> int:
    """Write the export to `out`; return the number of records."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS[what])
        writer.writeheader()
    n = 0
    for record in records(store, what):
        if writer:
            writer.writerow({k: _csv_cell(v) for k, v in record.items()})
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def export_text(store: Store, what: str, fmt: str) -> str:
    buffer = io.StringIO()
    write_export(store, what, fmt, buffer)
    return buffer.getvalue()
