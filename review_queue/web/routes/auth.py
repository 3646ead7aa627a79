"""Review web app: login, logout and the language preference."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ...review.users import LANGUAGES, authenticate, set_language
from ..templating import render
from ..security import csrf_protected, safe_next


async def login_page(request: Request):
    if request.state.user:
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


@csrf_protected
async def login_submit(request: Request):
    form = await request.form()
    store = request.app.state.stores()
    user = authenticate(store, str(form.get("username", "")), str(form.get("password", "")))
    target = safe_next(form.get("next"))
    if user is None:
        return render(request, "login.html", {"next": target, "failed": True}, status_code=401)
    request.session.clear()               # a fresh session and CSRF token on sign-in: no fixation
    request.session["user_id"] = user.id
    return RedirectResponse(target, status_code=303)


@csrf_protected
async def logout(request: Request):
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@csrf_protected
async def choose_language(request: Request):
    form = await request.form()
    lang = form.get("lang")
    if lang in LANGUAGES:
        set_language(request.app.state.stores(), request.state.user.id, lang)
    return RedirectResponse(safe_next(form.get("back")), status_code=303)


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/settings/language", choose_language, methods=["POST"]),
]
