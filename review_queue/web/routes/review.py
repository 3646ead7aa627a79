"""Review web app: the queue, the item page, decisions, claims and exports."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from classifiers.taxonomy import load_taxonomy

from ...reports.export import BOM, FORMATS, WHATS, export_text
from ...review.double_review import BLIND, DECIDED, OPEN_STATUSES
from ...review.extracted import INCIDENT_KINDS, extracted_values, form_values
from ...review.incidents import find_incidents, incident_choices, incident_label
from ...review.queue_view import QueueFilter, claim_next, item_detail, list_queue, neighbour, sources
from ...review.decisions import (DECIDED_STATUSES, NEW_INCIDENT, REJECT_REASONS, REVIEW_STATUSES, AlreadyDecided,
                                 Claim, Conflict, DecisionError, ItemNotFound, claim_item, decide, last_applied)
from ... import i18n
from ...rendering import highlight, safe_link
from ..templating import local_time, render
from ..security import csrf_protected, ui_text

HOTKEY_CATEGORIES = 9   # keys 1-9


async def home(request: Request):
    return RedirectResponse("/queue", status_code=303)


async def queue_page(request: Request):
    store = request.app.state.stores()
    f = QueueFilter.from_params(request.query_params)
    page = list_queue(store, f, after=request.query_params.get("after"))
    return render(request, "queue.html", {
        "f": f, "page": page, "statuses": (*REVIEW_STATUSES, "all"), "sources": sources(store),
        "taxonomy": load_taxonomy(), "notice": _notice(request)})


def _notice(request: Request) -> str | None:
    """The notice named in the link (queue_empty, decided), if it is one of ours: a link cannot make
    the page print text of its choosing."""
    key = request.query_params.get("notice")
    return key if key in i18n.MESSAGES else None


async def next_free(request: Request):
    """Send the monitor to the highest-priority item nobody else holds, claimed for them, keeping the filters."""
    f = QueueFilter.from_params(request.query_params)
    item = claim_next(request.app.state.stores(), f, request.state.user, request.app.state.settings.claim_minutes)
    if item is None:
        return RedirectResponse("/queue?" + urlencode(f.params(notice="queue_empty")), status_code=303)
    return RedirectResponse(f"/items/{item['id']}?" + urlencode(f.params()), status_code=303)


def _category_choices(item: dict, chosen: list[str]) -> list[dict]:
    """All categories, the model's most probable first; the first nine get hotkeys 1-9."""
    codes = load_taxonomy().codes
    ordered = sorted(codes, key=lambda c: (c not in item["categories"], -item["scores"].get(c, 0.0), codes.index(c)))
    return [{"code": c, "score": item["scores"].get(c), "checked": c in chosen,
             "hotkey": i + 1 if i < HOTKEY_CATEGORIES else None} for i, c in enumerate(ordered)]


def _item_context(request: Request, item: dict, f: QueueFilter, claim: Claim | None, form: dict | None = None):
    """What item.html shows. On a confirmed or rejected item (`redecide`: the decision it is now)
    the decision form becomes a re-decision behind its own button, out of reach of the hotkeys."""
    store = request.app.state.stores()
    lang = request.state.user.lang
    decision = form or item["decision"] or {}
    chosen = decision.get("categories") or item["categories"]
    details = item["details"]
    extracted = extracted_values(details)
    extracted["state_bodies"] = [i18n.state_body_name(lang, name) for name in extracted["state_bodies"]]
    return {
        "item": item, "f": f, "claim": claim,
        "link": safe_link(item["article"]["url"]),
        "text_html": highlight(item["article"]["text"], details.get("evidence"),
                               lambda code: i18n.category_name(lang, code), query=f.q),
        "evidence_codes": sorted((details.get("evidence") or {}).keys()) if isinstance(details.get("evidence"), dict) else [],
        "choices": _category_choices(item, chosen),
        "decision": decision,
        "extracted": extracted, "form_values": form_values(decision, extracted),
        "default_attack_type": decision.get("attack_type") or details.get("attack_type") or "",
        "default_perpetrator": decision.get("perpetrator") or details.get("perpetrator") or "",
        "taxonomy": load_taxonomy(), "reject_reasons": REJECT_REASONS,
        "incidents": incident_choices(store, chosen, item["incident"] and item["incident"]["id"]),
        "incident_label": incident_label,
        "redecide": last_applied(store, item["id"]) if item["status"] in DECIDED_STATUSES else None,
        "next_item": neighbour(store, f, item, forward=True, skip_claimed_for=request.state.user.id),
        "prev_item": neighbour(store, f, item, forward=False),
    }


async def item_page(request: Request):
    store = request.app.state.stores()
    item_id = request.path_params["item_id"]
    f = QueueFilter.from_params(request.query_params)
    item = item_detail(store, item_id, viewer=request.state.user.username)
    if item is None:
        return render(request, "message.html", {"message_key": "not_found"}, status_code=404)
    claim = None
    # Opening an undecided item reserves it, unless this monitor has decided it already and it
    # waits for another monitor's blind decision (holding it would keep that monitor out), or this
    # monitor asked for a second opinion on it: that is a colleague's to take.
    if item["status"] in OPEN_STATUSES and item["review_round"] != DECIDED \
            and not _asked_second_opinion(store, item_id, request.state.user.id):
        claim = claim_item(store, item_id, request.state.user, request.app.state.settings.claim_minutes)
    context = _item_context(request, item, f, claim)
    context["notice"] = _notice(request)
    return render(request, "item.html", context)


def _asked_second_opinion(store, item_id: int, user_id: int) -> bool:
    return bool(store.db.execute("SELECT 1 FROM review_items WHERE id = ? AND status = 'second_opinion' "
                                 "AND decided_by = ?", [item_id, user_id]).fetchone())


def _form_fields(form) -> dict:
    return {"categories": form.getlist("categories"), "attack_type": form.get("attack_type"),
            "perpetrator": form.get("perpetrator"), "notes": form.get("notes"),
            "reject_reason": form.get("reject_reason"), "reject_note": form.get("reject_note"),
            "incident_date": form.get("incident_date"), "place": form.get("place"),
            **{kind: (form.get(kind) or "").splitlines() for kind in ("victims", *INCIDENT_KINDS)}}


@csrf_protected
async def decide_item(request: Request):
    store = request.app.state.stores()
    item_id = request.path_params["item_id"]
    form = await request.form()
    f = QueueFilter.from_params(form)
    button = form.get("action", "")
    action, go_next = ("confirm", True) if button == "confirm_next" else (button, False)
    fields = _form_fields(form)
    incident_choice = str(form.get("incident", ""))
    join = int(incident_choice) if incident_choice.isdigit() else NEW_INCIDENT if incident_choice == "new" else None
    redecide = bool(form.get("redecide"))
    try:
        version = int(form.get("version", ""))
        decide(store, item_id, request.state.user, version, action, fields, join_incident=join, redecide=redecide)
    except DecisionError as exc:
        error = ui_text(request, exc.key) if exc.key else str(exc)
        return _rerender(request, item_id, f, fields, status_code=400, error=error, redecide=redecide)
    except ValueError as exc:
        return _rerender(request, item_id, f, fields, status_code=400, error=str(exc), redecide=redecide)
    except ItemNotFound:
        return render(request, "message.html", {"message_key": "not_found"}, status_code=404)
    except Conflict as conflict:   # AlreadyDecided too
        return _rerender(request, item_id, f, fields, status_code=409, conflict=conflict, redecide=redecide)
    if go_next:
        return RedirectResponse("/queue/next?" + urlencode(f.params()), status_code=303)
    return RedirectResponse(f"/items/{item_id}?" + urlencode(f.params(notice="decided")), status_code=303)


def _rerender(request, item_id, f, fields, status_code, error=None, conflict: Conflict | None = None,
              redecide: bool = False):
    """The item page again with the monitor's own choices kept, and why they were not applied."""
    store = request.app.state.stores()
    item = item_detail(store, item_id, viewer=request.state.user.username)
    lang = request.state.user.lang
    if isinstance(conflict, AlreadyDecided):
        error = i18n.translate(lang, "already_decided", name=conflict.last_by or "?", at=local_time(conflict.last_at, "%Y-%m-%d %H:%M") or "?",
                               status=i18n.translate(lang, "status_" + conflict.current["status"]))
    elif conflict:
        # A monitor deciding blind is not told who decided before them.
        name = "?" if item["review_round"] == BLIND else conflict.last_by or "?"
        error = i18n.translate(lang, "conflict", name=name, at=local_time(conflict.last_at, "%Y-%m-%d %H:%M") or "?")
    context = _item_context(request, item, f, None, form=fields)
    # A refused re-decision keeps its form open; after a refused ordinary decision re-deciding stays a deliberate click.
    context.update(error=error, conflict=bool(conflict), redecide_open=redecide)
    return render(request, "item.html", context, status_code=status_code)


@csrf_protected
async def renew_claim(request: Request):
    """Called by the item page every minute (fetch with the CSRF header) while it stays open."""
    claim = claim_item(request.app.state.stores(), request.path_params["item_id"], request.state.user,
                       request.app.state.settings.claim_minutes)
    return JSONResponse({"granted": claim.granted, "holder": claim.holder, "until": claim.until},
                        status_code=200 if claim.granted else 409)


async def incident_search(request: Request):
    """The item page's incident finder (static/incidents.js): any incident by number or words."""
    found = find_incidents(request.app.state.stores(), request.query_params.get("q", "")[:200])
    return JSONResponse([{"id": incident["id"], "label": incident_label(incident)} for incident in found])


async def export_download(request: Request):
    what, fmt = request.query_params.get("what"), request.query_params.get("format")
    if what not in WHATS or fmt not in FORMATS:
        return PlainTextResponse(ui_text(request, "export_params"), status_code=400)
    body = export_text(request.app.state.stores(), what, fmt)
    if fmt == "csv":
        body = BOM + body   # downloaded CSVs are opened in Excel, which needs the mark to read UTF-8
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="sozwatch-{what}-{stamp}.{fmt}"'})


routes = [
    Route("/", home, methods=["GET"]),
    Route("/queue", queue_page, methods=["GET"]),
    Route("/queue/next", next_free, methods=["GET"]),
    Route("/items/{item_id:int}", item_page, methods=["GET"]),
    Route("/items/{item_id:int}/decide", decide_item, methods=["POST"]),
    Route("/items/{item_id:int}/claim", renew_claim, methods=["POST"]),
    Route("/incidents/search", incident_search, methods=["GET"]),
    Route("/export", export_download, methods=["GET"]),
]
