"""The cockpit's routes on ``serve --http``: the page, its panels fragment, actions and login.

    GET  /cockpit            the page (activity filters and paging in the query string)
    GET  /cockpit/panels     the page's <main> alone: what the script polls
    GET  /cockpit/records/T/N  a record a request concerns (records.py), read only
    POST /cockpit/action/X   approve | reject | resume | reset | read | retry | redeliver (CSRF checked)
    GET  /cockpit/login      the token form; POST exchanges the token for a session cookie

The same rules as /mcp: open on loopback when no token is configured (server/http_app.py
refuses any other bind without one); otherwise the request needs the bearer token, or the
session cookie the login form set after checking that token with the same verifier. The app
names its verifier in ``app.state.token_verifier`` (server/http_app.py); these routes check it
themselves because a browser cannot send the Authorization header.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.cockpit import records, render
from server.cockpit.actions import ACTIONS, ActionError
from server.cockpit.data import ActivityFilter, gather
from server.cockpit.session import COOKIE, LIFETIME, MAX_SESSIONS, Sessions

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

POLL_MS = 5000
FRAGMENT = "x-cockpit-fragment"  # the script's actions ask for the panels back instead of a redirect


def poll_ms_from_env() -> int:
    try:
        return max(200, int(os.environ.get("PILOTHOUSE_COCKPIT_POLL_MS") or POLL_MS))
    except ValueError:
        return POLL_MS


def routes(app: App, *, poll_ms: int | None = None, sessions: Sessions | None = None) -> list[BaseRoute]:
    sessions = sessions or Sessions()
    every = poll_ms or poll_ms_from_env()
    flashes: dict[str, tuple[str, bool]] = {}

    def needs_login(request: Request) -> bool:
        verifier = getattr(request.app.state, "token_verifier", None)
        if verifier is None:  # loopback without a token, like /mcp
            return False
        user = request.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):  # a bearer token, checked by the SDK
            return False
        return not sessions.logged_in(request.cookies.get(COOKIE), app.clock.now())

    def session_of(request: Request) -> tuple[str, bool]:
        """The request's session id, and whether it is new (the response must set the cookie)."""
        sid = request.cookies.get(COOKIE)
        if sessions.valid(sid, app.clock.now()):
            return str(sid), False
        return sessions.start(app.clock.now(), logged_in=False), True

    def with_cookie(response: Response, sid: str, request: Request) -> Response:
        response.set_cookie(COOKIE, sid, max_age=int(LIFETIME.total_seconds()), path=render.BASE, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
        return response

    async def html(request: Request, *, whole: bool, status: int = 200) -> Response:
        sid, new = session_of(request)
        flash, error = flashes.pop(sid, ("", False))
        snap = await gather(app, ActivityFilter.from_query(dict(request.query_params)))
        csrf = sessions.csrf(sid)
        body = (render.page(snap, csrf, poll_ms=every, flash=flash, error=error) if whole
                else render.panels(snap, csrf, flash=flash, error=error))
        response = HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})
        return with_cookie(response, sid, request) if new else response

    async def cockpit(request: Request) -> Response:
        if needs_login(request):
            return RedirectResponse(f"{render.BASE}/login", status_code=303)
        return await html(request, whole=True)

    async def panels(request: Request) -> Response:
        if needs_login(request):
            return HTMLResponse("sign in again: /cockpit/login", status_code=401)
        return await html(request, whole=False)

    async def action(request: Request) -> Response:
        if needs_login(request):
            return HTMLResponse("sign in first: /cockpit/login", status_code=401)
        form: dict[str, Any] = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        sid = request.cookies.get(COOKIE)
        if not sessions.csrf_ok(sid, form.get("csrf"), app.clock.now()):
            return HTMLResponse("refused: this form's CSRF token is missing or stale; reload the cockpit and try "
                                "again", status_code=403)
        name = request.path_params["name"]
        handler = ACTIONS.get(name)
        status = 200
        if handler is None:
            flash, error, status = f"unknown action {name!r}", True, 404
        else:
            try:
                flash, error = await handler(app, form), False
            except ActionError as exc:
                flash, error, status = str(exc), True, 400
            except Exception as exc:  # the server never dies on a bad request
                log.exception("cockpit action %s failed", name)
                flash, error, status = f"{name} failed inside the server: {type(exc).__name__}: {exc}", True, 500
        while len(flashes) >= MAX_SESSIONS:  # one line per session, for its next page, never a growing log
            flashes.pop(next(iter(flashes)))
        flashes[str(sid)] = (flash, error)
        if request.headers.get(FRAGMENT):
            return await html(request, whole=False, status=status)
        return RedirectResponse(render.BASE, status_code=303)

    async def record(request: Request) -> Response:
        if needs_login(request):
            return RedirectResponse(f"{render.BASE}/login", status_code=303)
        table, raw = request.path_params["table"], request.path_params["record_id"]
        row = await records.fetch(app, table, int(raw)) if raw.isdigit() else None
        if row is None:
            return HTMLResponse(f'<p>No such record. <a href="{render.BASE}">Back to the cockpit</a></p>',
                                status_code=404)
        return HTMLResponse(records.page(table, row, app.clock.now()), headers={"cache-control": "no-store"})

    async def login(request: Request) -> Response:
        verifier = getattr(request.app.state, "token_verifier", None)
        if verifier is None:  # nothing to sign in to: loopback without a token
            return RedirectResponse(render.BASE, status_code=303)
        if request.method == "GET":
            return HTMLResponse(render.login())
        token = (await request.form()).get("token")
        if not isinstance(token, str) or await verifier.verify_token(token) is None:
            return HTMLResponse(render.login("That token was not accepted; use the server's PILOTHOUSE_TOKEN."),
                                status_code=401)
        sid = sessions.start(app.clock.now(), logged_in=True)
        return with_cookie(RedirectResponse(render.BASE, status_code=303), sid, request)

    return [Route(render.BASE, cockpit), Route(f"{render.BASE}/panels", panels),
            Route(f"{render.BASE}/records/{{table}}/{{record_id}}", record),
            Route(f"{render.BASE}/action/{{name}}", action, methods=["POST"]),
            Route(f"{render.BASE}/login", login, methods=["GET", "POST"])]
