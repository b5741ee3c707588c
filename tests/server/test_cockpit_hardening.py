"""Cockpit edges: sign-in attempts are limited (per client and in total, and logged), no page renders in
another site's frame, and what answers without a token tells nothing about the version or the schema."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.types import ASGIApp

from server.app import App
from server.assembly import Process
from server.http_app import HttpSettings, build_http_app
from server.schema import CORE_MIGRATIONS
from server.testing import FakeClock
from server.version import VERSION

pytestmark = pytest.mark.anyio

TOKEN = "cockpit-token-for-tests"
Visitor = Callable[[str], httpx.AsyncClient]


@asynccontextmanager
async def served(app: App, **settings: object) -> AsyncIterator[Visitor]:
    """The app `serve --http` builds, with a token; ``visitor(address)`` is a browser at that address."""
    process = Process.assemble(app, scheduler=False)
    config = HttpSettings(**{"host": "127.0.0.1", "port": 8765, "token": TOKEN, **settings})  # type: ignore[arg-type]
    asgi: ASGIApp = build_http_app(process.surface, host=config.host, port=config.port, extra_routes=process.routes,
                                   settings=config)
    clients: list[httpx.AsyncClient] = []

    def visitor(address: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi, client=(address, 40_000)),
                                   base_url="http://127.0.0.1:8765")
        clients.append(client)
        return client

    async with process.surface.server.session_manager.run():
        try:
            yield visitor
        finally:
            for client in clients:
                await client.aclose()


async def sign_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/cockpit/login", data={"token": token})


async def test_wrong_tokens_are_limited_per_client_and_logged(
        app: App, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="server.cockpit.throttle")
    async with served(app) as visitor:
        guesser, owner = visitor("203.0.113.7"), visitor("198.51.100.2")
        for n in range(10):
            assert (await sign_in(guesser, f"guess-{n}")).status_code == 401
        refused = await sign_in(guesser, TOKEN)  # even the right token: the guesser is held off for now
        assert refused.status_code == 429 and "Too many wrong tokens" in refused.text
        assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
        assert (await sign_in(owner, TOKEN)).status_code == 303  # another client is not held up
        clock.advance(minutes=15, seconds=1)  # the window has passed
        assert (await sign_in(guesser, TOKEN)).status_code == 303
    logged = [r.getMessage() for r in caplog.records]
    assert sum("cockpit sign-in failed for 203.0.113.7" in m for m in logged) == 10
    assert any(m.startswith("cockpit sign-in refused for 203.0.113.7") for m in logged)


async def test_wrong_tokens_are_limited_in_total_across_clients(app: App, clock: FakeClock) -> None:
    async with served(app) as visitor:
        for n in range(100):  # four guesses from each of 25 addresses: under the per-client limit
            assert (await sign_in(visitor(f"192.0.2.{n // 4}"), f"guess-{n}")).status_code == 401
        fresh = await sign_in(visitor("192.0.2.200"), "another guess")
        assert fresh.status_code == 429 and "retry-after" in fresh.headers


async def test_behind_a_local_proxy_the_address_it_appended_is_the_client(app: App) -> None:
    async with served(app) as visitor:
        proxy = visitor("127.0.0.1")
        for n in range(10):  # the guesser makes up the first address every time; the proxy appends the real one
            response = await proxy.post("/cockpit/login", data={"token": f"g{n}"},
                                        headers={"x-forwarded-for": f"10.9.8.{n}, 203.0.113.9"})
            assert response.status_code == 401
        held = await proxy.post("/cockpit/login", data={"token": "g"}, headers={"x-forwarded-for": "203.0.113.9"})
        other = await proxy.post("/cockpit/login", data={"token": TOKEN},
                                 headers={"x-forwarded-for": "198.51.100.4"})
        assert (held.status_code, other.status_code) == (429, 303)


@pytest.mark.parametrize("path", ["/cockpit", "/cockpit/login", "/healthz", "/readyz", "/mcp", "/instance-health"])
async def test_no_page_renders_inside_another_sites_frame(app: App, path: str) -> None:
    async with served(app) as visitor:
        response = await visitor("198.51.100.2").get(path)
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_unauthenticated_routes_tell_no_version_or_schema(app: App) -> None:
    schema = str(max(v for v, _ in CORE_MIGRATIONS))
    async with served(app) as visitor:
        stranger = visitor("203.0.113.50")
        ready = await stranger.get("/readyz")
        answers = [ready, await stranger.get("/healthz"), await stranger.get("/cockpit/login"),
                   await stranger.get("/cockpit", follow_redirects=True), await stranger.get("/instance-health"),
                   await stranger.post("/mcp", json={})]
    assert ready.status_code == 200 and ready.json() == {"status": "pass"}
    for answer in answers:
        assert VERSION not in answer.text and "schema" not in answer.text.lower(), (answer.url, answer.text[:300])
    assert schema not in ready.text
