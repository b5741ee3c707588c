"""The cockpit's routes on ``serve --http``: the page, its panels fragment, actions and login.

    GET  /cockpit            the page (activity filters and paging in the query string)
    GET  /cockpit/panels     the page's <main> alone: what the script polls
    GET  /cockpit/records/T/N  a record a request concerns (records.py), read only
    POST /cockpit/action/X   approve | reject | resume | reset | read | retry (CSRF checked)
    GET  /cockpit/login      the token form; POST exchanges the token for a session cookie (wrong tokens
                             are limited per client and in total: throttle.py)

The same rules as /mcp: open on loopback when no token is configured (server/http_app.py
refuses any other bind without one); otherwise the request needs the bearer token, or the
session cookie the login form set after checking that token with the same verifier. The app
names its verifier in ``app.state.token_verifier`` (server/http_app.py); these routes check it
themselves because a browser cannot send the Authorization header.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from starlette.authentication import AuthenticationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server import settings
from server.access.local import local_name
from server.access.principal import Principal, of_request, of_token
from server.cockpit import records, render
from server.cockpit.actions import ACTIONS, ActionError, skill_behind
from server.cockpit.data import ActivityFilter, gather
from server.cockpit.session import COOKIE, LIFETIME, MAX_SESSIONS, Sessions
from server.cockpit.throttle import LoginThrottle, client_of

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

POLL_MS = 5000
FRAGMENT = "x-cockpit-fragment"  # the script's actions ask for the panels back instead of a redirect


def poll_ms_from_env() -> int:
    return settings.load().cockpit_poll_ms


def routes(app: App, *, poll_ms: int | None = None, sessions: Sessions | None = None,
           throttle: LoginThrottle | None = None) -> list[BaseRoute]:
    sessions = sessions or Sessions()
    throttle = throttle or LoginThrottle()
    every = poll_ms or poll_ms_from_env()
    flashes: dict[str, tuple[str, bool]] = {}

    async def signed_in(request: Request) -> Principal | None:
        """Who is at the page: a bearer token's holder, the signed-in session's (its token checked again,
        so a revoked one is signed out at once), the local account on an open loopback port; None: sign in."""
        if (bearer := of_request(request)) is not None:  # checked by the SDK's auth layer
            return bearer
        verifier = getattr(request.app.state, "token_verifier", None)
        if verifier is None:  # loopback without a token, like /mcp
            return Principal(local_name(), None)
        sid = request.cookies.get(COOKIE)
        token = sessions.token(sid)
        if not sessions.logged_in(sid, app.clock.now()) or token is None:
            return None
        try:
            access = await verifier.verify_token(token)
        except AuthenticationError:  # revoked or expired since the session began
            access = None
        if access is None:
            sessions.end(sid)
            return None
        return of_token(access)

    def may_view(who: Principal) -> bool:
        return who.scopes is None or who.scopes.grants_level("ops", "read")

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
        if (who := await signed_in(request)) is None:
            return RedirectResponse(f"{render.BASE}/login", status_code=303)
        if not may_view(who):
            return HTMLResponse(f"the token '{who.name}' lacks the scope ops:read the cockpit needs", status_code=403)
        return await html(request, whole=True)

    async def panels(request: Request) -> Response:
        if (who := await signed_in(request)) is None:
            return HTMLResponse("sign in again: /cockpit/login", status_code=401)
        if not may_view(who):
            return HTMLResponse(f"the token '{who.name}' lacks the scope ops:read", status_code=403)
        return await html(request, whole=False)

    async def action(request: Request) -> Response:
        if (who := await signed_in(request)) is None:
            return HTMLResponse("sign in first: /cockpit/login", status_code=401)
        form: dict[str, Any] = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        sid = request.cookies.get(COOKIE)
        if not sessions.csrf_ok(sid, form.get("csrf"), app.clock.now()):
            return HTMLResponse("refused: this form's CSRF token is missing or stale; reload the cockpit and try "
                                "again", status_code=403)
        name = request.path_params["name"]
        handler = ACTIONS.get(name)
        skill = app.registry.skills.get(await skill_behind(app, name, form) or "")
        status = 200
        if handler is None:
            flash, error, status = f"unknown action {name!r}", True, 404
        elif who.scopes is not None and skill is not None and not who.scopes.allows(skill):
            flash, error, status = f"refused for '{who.name}': {who.scopes.why_not(skill)}", True, 403
        else:
            try:
                flash, error = await handler(app, form, who.name), False
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
        if (who := await signed_in(request)) is None:
            return RedirectResponse(f"{render.BASE}/login", status_code=303)
        if not may_view(who):
            return HTMLResponse(f"the token '{who.name}' lacks the scope ops:read", status_code=403)
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
        client, now = client_of(request.client.host if request.client else None,
                                request.headers.get("x-forwarded-for")), app.clock.now()
        if (wait := throttle.wait(client, now)) is not None:
            seconds = max(1, math.ceil(wait.total_seconds()))
            return HTMLResponse(render.login(f"Too many wrong tokens; try again in {seconds} s."), status_code=429,
                                headers={"retry-after": str(seconds)})
        token = (await request.form()).get("token")
        try:
            accepted = isinstance(token, str) and await verifier.verify_token(token) is not None
            refusal = "That token was not accepted; use your token (pilothouse tokens create) or PILOTHOUSE_TOKEN."
        except AuthenticationError as exc:  # a revoked or expired token: say which and why
            accepted, refusal = False, f"{exc}."
        if not accepted or not isinstance(token, str):
            throttle.failed(client, now)
            return HTMLResponse(render.login(refusal), status_code=401)
        throttle.succeeded(client)
        sid = sessions.start(now, logged_in=True, token=token.strip())
        return with_cookie(RedirectResponse(render.BASE, status_code=303), sid, request)

    return [Route(render.BASE, cockpit), Route(f"{render.BASE}/panels", panels),
            Route(f"{render.BASE}/records/{{table}}/{{record_id}}", record),
            Route(f"{render.BASE}/action/{{name}}", action, methods=["POST"]),
            Route(f"{render.BASE}/login", login, methods=["GET", "POST"])]
