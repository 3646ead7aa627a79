"""Review web app: login (throttled), logout (revoking the session) and the language preference."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ...review.auth_guard import log_event, record_failure, record_success, retry_after
from ...review.users import LANGUAGES, authenticate, end_sessions, set_language
from ..templating import render
from ..security import client_address, csrf_protected, safe_next


async def login_page(request: Request):
    if request.state.user:
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


@csrf_protected
async def login_submit(request: Request):
    form = await request.form()
    store = request.app.state.stores()
    username, client = str(form.get("username", "")), client_address(request)
    target = safe_next(form.get("next"))
    wait = retry_after(store, username, client)
    if wait:
        # Refused before the password is checked: a guess sent too early tells nothing.
        log_event(store, "login_refused", username, client, f"retry after {wait} s")
        response = render(request, "login.html", {"next": target, "wait": wait}, status_code=429)
        response.headers["retry-after"] = str(wait)
        return response
    user = authenticate(store, username, str(form.get("password", "")))
    if user is None:
        record_failure(store, username, client)
        return render(request, "login.html", {"next": target, "failed": True}, status_code=401)
    record_success(store, username, client)
    request.session.clear()               # a fresh session and CSRF token on sign-in: no fixation
    request.session.update(user_id=user.id, gen=user.session_gen)
    return RedirectResponse(target, status_code=303)


@csrf_protected
async def logout(request: Request):
    user = request.state.user
    end_sessions(request.app.state.stores(), user.id)   # a saved copy of this cookie stops working too
    log_event(request.app.state.stores(), "logout", user.username, client_address(request))
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
