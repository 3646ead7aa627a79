"""Review web app: the page templates and `render`, which every route uses to answer with HTML."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from .. import i18n
from ..rendering import as_label
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
    # Audit before/after as readable JSON (Cyrillic kept); escaped like any other text.
    env.filters["pretty_json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return env


def render(request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    user = request.state.user
    lang = user.lang if user else request.session.get("lang", i18n.DEFAULT_LANG)
    env = request.app.state.templates
    html = env.get_template(template).render(
        request=request, user=user, lang=lang, csrf_token=csrf_token(request),
        t=lambda key, **kw: i18n.translate(lang, key, **kw),
        cat_name=lambda code: i18n.category_name(lang, code),
        lang_names=i18n.LANG_NAMES, **(context or {}))
    return HTMLResponse(html, status_code=status_code)
