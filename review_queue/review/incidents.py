"""Review: incidents: one real event, possibly reported by several articles (review items)."""
from __future__ import annotations

import json

from ..storage.store import Store, utc_now
from .extracted import INCIDENT_KINDS

RECENT_INCIDENTS_SCANNED = 300


def _incident(row: dict) -> dict:
    return {**row, "victims": json.loads(row["victims"] or "[]"), "categories": json.loads(row["categories"] or "[]"),
            "extracted": json.loads(row.get("extracted") or "{}")}


def get_incident(store: Store, incident_id: int) -> dict | None:
    rows = store.db.execute_returning_dicts("SELECT * FROM incidents WHERE id = ?", [incident_id])
    return _incident(rows[0]) if rows else None


def recent_incidents(store: Store, categories: list[str], limit: int = 8) -> list[dict]:
    """Recently touched incidents sharing a category with `categories`: the join choices."""
    rows = store.db.execute_returning_dicts(
        "SELECT * FROM incidents ORDER BY updated_at DESC, id DESC LIMIT ?", [RECENT_INCIDENTS_SCANNED])
    wanted = set(categories)
    return [incident for incident in map(_incident, rows) if wanted & set(incident["categories"])][:limit]


def incident_choices(store: Store, categories: list[str], current_id: int | None) -> list[dict]:
    """What the item page's incident control offers: the item's own incident first (whatever its
    age or categories: re-confirming keeps the item there), then recent ones sharing a category."""
    current = get_incident(store, current_id) if current_id else None
    others = [incident for incident in recent_incidents(store, categories) if incident["id"] != current_id]
    return ([current] if current else []) + others


def find_incidents(store: Store, text: str, limit: int = 20) -> list[dict]:
    """Any incident, however old: by number ("12" or "#12"), else those whose date, place, victims,
    categories, attack type, perpetrator or notes contain every word (case-insensitive), latest first.
    Scans every incident, in Python since SQLite's LIKE folds only ASCII case: a year's incidents
    number in the hundreds."""
    text = text.strip()
    number = text.lstrip("#")
    if number.isdigit():
        found = get_incident(store, int(number))
        return [found] if found else []
    words = text.casefold().split()
    if not words:
        return []
    found = []
    for incident in map(_incident, store.db.execute_returning_dicts(
            "SELECT * FROM incidents ORDER BY updated_at DESC, id DESC")):
        haystack = " ".join(str(v) for v in (
            incident["date"], incident["place"], *incident["victims"], *incident["categories"],
            incident["attack_type"], incident["perpetrator"], incident["notes"]) if v).casefold()
        if all(word in haystack for word in words):
            found.append(incident)
            if len(found) == limit:
                break
    return found


def incident_label(incident: dict) -> str:
    """One line naming an incident in the item page's control: number, date, place, categories."""
    return f"#{incident['id']} {incident['date'] or ''} {incident['place'] or ''} — {', '.join(incident['categories'])}"


def _merge(old: list, new: list) -> list:
    return old + [value for value in new if value not in old]


def attach_to_incident(store: Store, incident_id: int | None, fields: dict, user_id: int) -> int:
    """Create an incident from a confirmation, or fold the confirmation into an existing one.

    Joining never erases what an earlier monitor recorded: lists are merged and empty
    fields filled. Runs inside the caller's transaction.
    """
    now = utc_now()
    if incident_id is None:
        return store.db["incidents"].insert({
            "date": fields.get("incident_date") or None, "place": fields.get("place") or None,
            "victims": json.dumps(fields.get("victims", []), ensure_ascii=False),
            "categories": json.dumps(fields["categories"]), "attack_type": fields.get("attack_type") or None,
            "perpetrator": fields.get("perpetrator") or None, "notes": fields.get("notes") or None,
            "extracted": json.dumps(_extracted({}, fields), ensure_ascii=False),
            "created_by": user_id, "created_at": now, "updated_at": now}).last_pk
    incident = get_incident(store, incident_id)
    if incident is None:
        raise ValueError(f"no incident {incident_id}")
    store.db.execute(
        "UPDATE incidents SET date = ?, place = ?, victims = ?, categories = ?, attack_type = ?, perpetrator = ?, "
        "extracted = ?, updated_at = ? WHERE id = ?",
        [incident["date"] or fields.get("incident_date") or None, incident["place"] or fields.get("place") or None,
         json.dumps(_merge(incident["victims"], fields.get("victims", [])), ensure_ascii=False),
         json.dumps(sorted(_merge(incident["categories"], fields["categories"]))),
         incident["attack_type"] or fields.get("attack_type") or None,
         incident["perpetrator"] or fields.get("perpetrator") or None,
         json.dumps(_extracted(incident["extracted"], fields), ensure_ascii=False), now, incident_id])
    return incident_id


def _extracted(old: dict, fields: dict) -> dict:
    """The confirmed outlets, state bodies, amounts and legal articles, merged into what the incident had."""
    merged = {kind: _merge(old.get(kind, []), fields.get(kind) or []) for kind in INCIDENT_KINDS}
    return {kind: values for kind, values in merged.items() if values}


def incident_articles(store: Store, incident_id: int) -> list[dict]:
    return store.db.execute_returning_dicts(
        """SELECT r.id AS item_id, a.title, a.url, a.source, a.published FROM review_items r
           JOIN articles a ON a.id = r.article_id WHERE r.incident_id = ? AND r.status = 'confirmed'
           ORDER BY a.published, r.id""", [incident_id])
