"""Review web app: reports and the learning loop in the web app: the monthly/annual report (page, charts, downloads),
the agreement page for admins, double review and the "most uncertain first" list."""
from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ...learning.agreement import agreement_report, set_double_review
from ...learning.sampling import most_uncertain, sample_miss_rate
from ...reports.export import BOM
from ...reports.report import ReportError, build_report, chart_svgs, latest_month, render as render_report
from ...reports.report_i18n import DEFAULT_LANG, LANGUAGES, template_helpers
from ..templating import LOCAL_TIME, render
from ..security import csrf_protected, ui_text

MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
               "html": "text/html; charset=utf-8"}


def _period(request: Request) -> dict:
    """month=YYYY-MM or year=YYYY from the query (a malformed one is refused by the report); by default
    the latest month with confirmed incidents, or last month in Almaty when there are none yet."""
    month, year = request.query_params.get("month"), request.query_params.get("year")
    if year:
        if not (len(year) == 4 and year.isdigit()):
            raise ReportError(f"year must look like 2024, got {year!r}")
        return {"year": int(year)}
    if not month:
        month = latest_month(request.app.state.stores())
    if not month:
        today = datetime.now(LOCAL_TIME).date()
        month = f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"
    return {"month": month}


def _lang(request: Request) -> str:
    """The report's language: the signed-in user's interface language, so the page, its charts and its
    downloads read alike (links carry no language of their own)."""
    lang = getattr(request.state.user, "lang", None)
    return lang if lang in LANGUAGES else DEFAULT_LANG


def _report(request: Request):
    return build_report(request.app.state.stores(), **_period(request), lang=_lang(request))


async def report_page(request: Request):
    try:
        report = _report(request)
    except ReportError:
        return PlainTextResponse(ui_text(request, "bad_period"), status_code=400)
    query = request.url.query
    charts = {name: f"/reports/chart/{name}.svg?{query}" for name in ("by_category", "trend")}
    return render(request, "report_page.html", {"report": report, "charts": charts,
                                                **template_helpers(report["lang"])})


async def report_chart(request: Request):
    try:
        svg = chart_svgs(_report(request)).get(request.path_params["name"])
    except ReportError:
        return PlainTextResponse(ui_text(request, "bad_period"), status_code=400)
    if svg is None:
        return PlainTextResponse(ui_text(request, "no_such_chart"), status_code=404)
    return Response(svg, media_type="image/svg+xml")


async def report_download(request: Request):
    fmt = request.query_params.get("format", "md")
    if fmt not in MEDIA_TYPES:
        return PlainTextResponse(ui_text(request, "report_format"), status_code=400)
    try:
        report = _report(request)
    except ReportError:
        return PlainTextResponse(ui_text(request, "bad_period"), status_code=400)
    suffix = "" if report["lang"] == DEFAULT_LANG else f"-{report['lang']}"   # English keeps its old name
    filename = f"sozwatch-report-{report['period']}{suffix}.{fmt}"
    body = render_report(report, fmt)
    if fmt == "csv":
        body = BOM + body   # for Excel, as the exports
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def _admin_only(request: Request):
    return None if request.state.user.is_admin else PlainTextResponse(ui_text(request, "admins_only"), status_code=403)


async def agreement_page(request: Request):
    return _admin_only(request) or render(request, "agreement.html",
                                          {"agreement": agreement_report(request.app.state.stores())})


@csrf_protected
async def double_review(request: Request):
    refused = _admin_only(request)
    if refused:
        return refused
    form = await request.form()
    item_id = request.path_params["item_id"]
    if not set_double_review(request.app.state.stores(), item_id, on=form.get("on", "1") == "1"):
        return PlainTextResponse(ui_text(request, "not_found"), status_code=404)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


async def uncertain_page(request: Request):
    store = request.app.state.stores()
    return render(request, "uncertain.html", {"items": most_uncertain(store, limit=100),
                                              "misses": sample_miss_rate(store)})


routes = [
    Route("/reports", report_page, methods=["GET"]),
    Route("/reports/chart/{name}.svg", report_chart, methods=["GET"]),
    Route("/reports/download", report_download, methods=["GET"]),
    Route("/admin/agreement", agreement_page, methods=["GET"]),
    Route("/items/{item_id:int}/double-review", double_review, methods=["POST"]),
    Route("/queue/uncertain", uncertain_page, methods=["GET"]),
]
