"""Review: monitors' work on queue items: claims, versioned decisions, the append-only audit trail.

Every decision carries the item version the monitor saw. A decision on an outdated
version is refused (and logged as refused), never applied over someone else's. An item
already decided (confirmed or rejected) takes a new decision only as a deliberate
re-decision, which the audit trail records as overriding the decision it replaces; an
ordinary decision on it is refused like an outdated one. An item set for double review is
first decided blind by several monitors (double_review.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from classifiers.taxonomy import load_taxonomy

from ..storage import STATUSES
from ..storage.store import Store, utc_now
from ..storage.transactions import write_transaction
from .extracted import INCIDENT_KINDS
from .double_review import DISAGREED, WAITING, has_decided, round_decisions, round_outcome
from .incidents import attach_to_incident
from .users import User

ACTIONS = ("confirm", "reject", "second_opinion")
STATUS_AFTER = {"confirm": "confirmed", "reject": "rejected", "second_opinion": "second_opinion"}
REVIEW_STATUSES = STATUSES
DECIDED_STATUSES = ("confirmed", "rejected")   # out of the queue: changed only by a re-decision
NEW_INCIDENT = "new"   # join_incident: open a new incident even if the item is in one
REJECT_REASONS = ("not_incident", "not_media", "outside_kazakhstan", "duplicate", "old_news", "other")
DEFAULT_CLAIM_MINUTES = 5


class DecisionError(ValueError):
    """The decision itself is malformed (unknown category, missing reason...). `key` names the
    interface message (i18n.py) for the mistakes a monitor can make in the form."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


class ItemNotFound(LookupError):
    pass


@dataclass
class Conflict(Exception):
    """The item changed since the monitor loaded it."""
    item_id: int
    seen_version: int
    current_version: int
    last_by: str | None
    last_at: str | None
    current: dict = field(default_factory=dict)


class AlreadyDecided(Conflict):
    """The item is already confirmed or rejected and the decision was not a re-decision."""


@dataclass
class Claim:
    granted: bool
    holder: str | None
    until: str | None


def _later(minutes: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def claim_item(store: Store, item_id: int, user: User, minutes: float = DEFAULT_CLAIM_MINUTES) -> Claim:
    """Take (or extend) an item for `minutes` unless another monitor holds a live claim."""
    now, until = utc_now(), _later(minutes)
    with write_transaction(store.db):
        cursor = store.db.execute(
            "UPDATE review_items SET claimed_by = ?, claimed_until = ? WHERE id = ? "
            "AND status IN ('pending', 'second_opinion') "
            "AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until < ?)",
            [user.id, until, item_id, user.id, now])
    if cursor.rowcount:
        return Claim(True, user.username, until)
    row = store.db.execute(
        "SELECT u.username, r.claimed_until FROM review_items r LEFT JOIN users u ON u.id = r.claimed_by "
        "WHERE r.id = ? AND r.claimed_until >= ?", [item_id, now]).fetchone()
    return Claim(False, row[0], row[1]) if row else Claim(False, None, None)


def release_claim(store: Store, item_id: int, user: User) -> None:
    with write_transaction(store.db):
        store.db.execute("UPDATE review_items SET claimed_by = NULL, claimed_until = NULL "
                         "WHERE id = ? AND claimed_by = ?", [item_id, user.id])


def _state(row: dict) -> dict:
    """What an audit entry records as before/after: the item's reviewable state."""
    return {"status": row["status"], "version": row["version"], "incident_id": row["incident_id"],
            **(json.loads(row["decision"]) if row["decision"] else {})}


def clean_decision(action: str, fields: dict) -> dict:
    """Validate a monitor's form into the stored decision; raise DecisionError naming the problem."""
    taxonomy = load_taxonomy()
    if action not in ACTIONS:
        raise DecisionError(f"unknown action {action!r}")
    categories = sorted(set(fields.get("categories") or []))
    unknown = [code for code in categories if code not in taxonomy.categories]
    if unknown:
        raise DecisionError(f"unknown category code(s): {', '.join(unknown)}")
    if action == "confirm" and not categories:
        raise DecisionError("choose at least one category to confirm", key="need_category")
    attack_type, perpetrator = fields.get("attack_type") or None, fields.get("perpetrator") or None
    if attack_type and attack_type not in taxonomy.attack_types:
        raise DecisionError(f"unknown attack type {attack_type!r}")
    if perpetrator and perpetrator not in taxonomy.perpetrators:
        raise DecisionError(f"unknown perpetrator {perpetrator!r}")
    reason = fields.get("reject_reason") or None
    if action == "reject" and reason not in REJECT_REASONS:
        raise DecisionError("choose a reason to reject", key="need_reason")
    decision = {"action": action, "categories": categories, "attack_type": attack_type,
                "perpetrator": perpetrator, "victims": _values(fields.get("victims")),
                "notes": (fields.get("notes") or "").strip()}
    if action == "reject":
        decision.update(reject_reason=reason, reject_note=(fields.get("reject_note") or "").strip())
    if action == "confirm":
        decision.update(incident_date=fields.get("incident_date") or None, place=(fields.get("place") or "").strip(),
                        **{kind: _values(fields.get(kind)) for kind in INCIDENT_KINDS})
    return decision


def _values(lines) -> list[str]:
    """A form's one-value-per-line list, blank lines dropped."""
    return [v.strip() for v in (lines or []) if v and v.strip()]


def decide(store: Store, item_id: int, user: User, seen_version: int, action: str, fields: dict,
           join_incident: int | str | None = None, redecide: bool = False) -> dict:
    """Apply a decision made on `seen_version`; return the item's new state.

    A confirmation joins incident `join_incident`, opens a new one if it is NEW_INCIDENT, and
    otherwise (None) keeps the item in the incident it is in (a new one if none). On an item
    already decided only `redecide` applies a decision; the audit entry then names the decision
    it overrides (`overrides`, and `after["overrides"]` with whose it was).

    Raises Conflict if the item moved on since, AlreadyDecided if it is decided and this is
    not a re-decision (either way the refused attempt is still logged), DecisionError for a
    malformed decision, ItemNotFound for an unknown item.
    """
    decision = clean_decision(action, fields)
    now = utc_now()
    with write_transaction(store.db):
        rows = store.db.execute_returning_dicts("SELECT * FROM review_items WHERE id = ?", [item_id])
        if not rows:
            raise ItemNotFound(item_id)
        before = _state(rows[0])
        last = last_applied(store, item_id)
        decided = rows[0]["status"] in DECIDED_STATUSES
        if rows[0]["version"] != seen_version or (decided and not redecide):
            refusal = Conflict if rows[0]["version"] != seen_version else AlreadyDecided
            _log(store, item_id, user, action, now, seen_version, before,
                 {"attempted": decision, "refused": "outdated_version" if refusal is Conflict else "already_decided"},
                 applied=False)
            conflict = refusal(item_id, seen_version, rows[0]["version"], last and last["username"],
                               last and last["at"], current=before)
        else:
            conflict = None
            overrides = last if decided else None
            outcome = _double_review_outcome(store, rows[0], user, decision)
            if outcome == WAITING:
                # Logged and applied, but the item stays in the queue as it was for the next monitor.
                status, incident_id = rows[0]["status"], rows[0]["incident_id"]
                store.db.execute(
                    "UPDATE review_items SET version = version + 1, updated_at = ?, claimed_by = NULL, "
                    "claimed_until = NULL WHERE id = ? AND version = ?", [now, item_id, seen_version])
            else:
                status = "second_opinion" if outcome == DISAGREED else STATUS_AFTER[action]
                incident_id = None
                if status == "confirmed":
                    join = rows[0]["incident_id"] if join_incident is None else join_incident
                    incident_id = attach_to_incident(store, None if join == NEW_INCIDENT else join, decision, user.id)
                # Monitors who disagree leave no decision on the item: both stay in its history.
                stored = None if outcome == DISAGREED else json.dumps(decision, ensure_ascii=False)
                store.db.execute(
                    "UPDATE review_items SET status = ?, decision = ?, version = version + 1, decided_by = ?, "
                    "decided_at = ?, updated_at = ?, incident_id = ?, claimed_by = NULL, claimed_until = NULL "
                    "WHERE id = ? AND version = ?",
                    [status, stored, user.id, now, now, incident_id, item_id, seen_version])
            # `after` keeps the monitor's own decision whatever the item became: agreement reads it.
            after = {**decision, "status": status, "version": seen_version + 1, "incident_id": incident_id}
            after.pop("action")
            if outcome:
                after["double_review"] = outcome
            if overrides:
                after["overrides"] = {"decision_id": overrides["id"], "username": overrides["username"],
                                      "at": overrides["at"], "action": overrides["action"]}
            _log(store, item_id, user, action, now, seen_version, before, after, applied=True,
                 overrides=overrides and overrides["id"])
    if conflict:
        raise conflict
    return after


def _double_review_outcome(store: Store, row: dict, user: User, decision: dict) -> str | None:
    """WAITING, AGREED or DISAGREED when the decision enters the item's open double-review round
    (see double_review.py), None for an ordinary decision."""
    decided = round_decisions(store, row)
    if decided is None:
        return None
    if has_decided(decided, user.username):
        raise DecisionError("you have already decided this double-review item; it waits for another monitor",
                            key="blind_review_waiting")
    return round_outcome(decided, decision["action"], decision["categories"])


def _log(store: Store, item_id: int, user: User, action: str, at: str, from_version: int,
         before: dict, after: dict, applied: bool, overrides: int | None = None) -> None:
    store.db.execute(
        "INSERT INTO decisions (item_id, user_id, username, action, applied, at, from_version, before, after, "
        "overrides) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [item_id, user.id, user.username, action, int(applied), at, from_version,
         json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False), overrides])


def last_applied(store: Store, item_id: int) -> dict | None:
    """The decision that made the item what it is now (id, username, action, at), or None."""
    rows = store.db.execute_returning_dicts(
        "SELECT id, username, action, at FROM decisions WHERE item_id = ? AND applied = 1 ORDER BY id DESC LIMIT 1",
        [item_id])
    return rows[0] if rows else None


def history(store: Store, item_id: int) -> list[dict]:
    """Every decision on the item, oldest first, refused attempts included; `overrides` is the id
    of the decision a re-decision replaced."""
    rows = store.db.execute_returning_dicts(
        "SELECT id, item_id, username, action, applied, at, from_version, before, after, overrides FROM decisions "
        "WHERE item_id = ? ORDER BY id", [item_id])
    for row in rows:
        row["before"], row["after"] = json.loads(row["before"]), json.loads(row["after"])
        row["applied"] = bool(row["applied"])
    return rows
