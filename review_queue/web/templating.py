"""Review web app: the page templates and `render`, which every route uses to answer with HTML."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from .. import i18n
from ..rendering import as_label, search_hits
from ..reports.report import TEMPLATES as REPORT_TEMPLATES
from .security import csrf_token

HERE = Path(__file__).parent
# Stored times are UTC; monitors read them in their own time (Almaty, UTC+5 all year).
LOCAL_TIME = ZoneInfo("Asia/Almaty")


def local_time(iso: str | None, fmt: str = "%H:%M") -> str:
    """A stored UTC ISO time in Almaty time (`fmt`); "" for none, the text itself if it is not a time."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(LOCAL_TIME).strftime(fmt)
    except ValueError:
        return iso


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader([HERE / "templates", REPORT_TEMPLATES]), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["qs"] = lambda params: urlencode(params)
    env.filters["label"] = as_label
    env.filters["clock"] = local_time                                            # claim expiry, HH:MM
    env.filters["local_time"] = lambda iso: local_time(iso, "%Y-%m-%d %H:%M")    # audit entries
    env.filters["hits"] = search_hits     # {{ title | hits(f.q) }}: escaped, search matches marked
    return env


# An audit entry's fields: the interface label for each stored key, and how its value is named.
AUDIT_LABELS = {"status": "status", "action": "action", "categories": "categories", "attack_type": "attack_type",
                "perpetrator": "perpetrator", "victims": "entity_victims", "place": "place",
                "incident_date": "incident_date", "outlets": "entity_outlets", "state_bodies": "entity_state_bodies",
                "amounts": "entity_amounts", "legal_articles": "entity_legal_articles", "notes": "notes",
                "reject_reason": "reject_reason", "reject_note": "reject_note", "incident_id": "incident",
                "version": "version", "double_review": "double_review", "attempted": "attempted",
                "refused": "refusal", "overrides": "overrides"}
AUDIT_VALUES = {"status": "status_", "action": "", "reject_reason": "reason_", "attack_type": "attack_",
                "perpetrator": "perp_", "double_review": "double_", "refused": "refused_"}


def audit_rows(state: dict, lang: str) -> list[tuple[str, str]]:
    """An audit entry's before/after state as (label, value) lines in `lang`; empty fields left out."""
    rows = []
    for key, value in state.items():
        if value in (None, "", [], {}):
            continue
        if key == "overrides":        # whose applied decision a re-decision replaced
            value = f"{value.get('username', '')} ({local_time(value.get('at'), '%Y-%m-%d %H:%M')})"
        elif isinstance(value, dict):   # a refused attempt keeps what the monitor tried
            value = "; ".join(f"{label}: {text}" for label, text in audit_rows(value, lang))
        elif key == "categories":
            value = ", ".join(i18n.category_name(lang, code) for code in value)
        elif key in AUDIT_VALUES:
            value = i18n.translate(lang, AUDIT_VALUES[key] + str(value))
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        rows.append((i18n.translate(lang, AUDIT_LABELS[key]) if key in AUDIT_LABELS else key, str(value)))
    return rows


def render(request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    user = request.state.user
    lang = user.lang if user else request.session.get("lang", i18n.DEFAULT_LANG)
    env = request.app.state.templates
    html = env.get_template(template).render(
        request=request, user=user, lang=lang, csrf_token=csrf_token(request),
        t=lambda key, **kw: i18n.translate(lang, key, **kw),
        cat_name=lambda code: i18n.category_name(lang, code),
        audit=lambda state: audit_rows(state, lang),
        lang_names=i18n.LANG_NAMES, **(context or {}))
    return HTMLResponse(html, status_code=status_code)
