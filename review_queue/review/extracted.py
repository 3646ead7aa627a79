"""Review: what the model extracted from an article (classifiers/entities.py, legal.py) as plain values,
the decision form's defaults: the monitor sees them, corrects them, and confirms them into the incident."""
from __future__ import annotations

# Shown on the item page in this order; each is a list of values in the decision form.
KINDS = ("victims", "places", "outlets", "state_bodies", "amounts", "legal_articles")
# Kept on the incident beside its victims and place (incidents.extracted) and shown in the report.
INCIDENT_KINDS = ("outlets", "state_bodies", "amounts", "legal_articles")
# Older predictions stored entities as a list of {"text", "type"}: their types map onto the kinds.
OLD_TYPES = {"PER": "victims", "LOC": "places", "ORG": "outlets"}


def _text(value, first: str = "text") -> str:
    """A stored value as text: a string, or a dict's `first` field (else its text, code or name)."""
    if isinstance(value, dict):
        return str(value.get(first) or value.get("text") or value.get("code") or value.get("name") or "")
    return str(value or "")


def extracted_values(details: dict) -> dict[str, list[str]]:
    """{kind: [value, ...]} for every kind in KINDS, each value once, in the order found."""
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    entities = details.get("entities")
    if isinstance(entities, dict):
        for kind in KINDS:
            found[kind] += [_text(v) for v in entities.get(kind) or []]
    elif isinstance(entities, list):
        for entity in entities:
            kind = OLD_TYPES.get(entity.get("type")) if isinstance(entity, dict) else None
            if kind:
                found[kind].append(_text(entity))
    # an article by its code ("КоАП 456-2"), the form a report cites, not the words it was found in
    found["legal_articles"] += [_text(a, "code") for a in details.get("legal_articles") or []]
    return {kind: list(dict.fromkeys(v.strip() for v in values if v and v.strip())) for kind, values in found.items()}


def form_values(decision: dict, extracted: dict[str, list[str]]) -> dict:
    """The decision form's lists and place: the monitor's own values once they decided, else the model's."""
    values = {kind: decision.get(kind) if decision.get(kind) else extracted.get(kind, [])
              for kind in ("victims", *INCIDENT_KINDS)}
    values["place"] = decision.get("place") or next(iter(extracted.get("places") or []), "")
    return values
