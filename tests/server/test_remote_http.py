"""Remote HTTP: a reverse proxy's Host name, tokens through the SDK's auth layer, probes, hostile edges.

The ASGI app is driven in process with httpx (the session manager running, as under uvicorn),
except the last test, which puts the real SDK client through a real server process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http import EventMessage
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_types import JSONRPCRequest

from server.app import App
from server.health.http import routes as health_routes
from server.http_app import HttpSettings, build_http_app
from server.mcp.event_store import MemoryEventStore
from server.mcp.surface import Surface
from server.testing import free_port

pytestmark = pytest.mark.anyio

TOKEN = "s3cret-token-for-tests"
PROXY_NAME = "mcp.example.test"
JSON_AND_SSE = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


class OAuthLikeVerifier:
    """What a deployer plugs in for an authorization server's tokens (PILOTHOUSE_TOKEN_VERIFIER)."""

    async def verify_token(self, token: str) -> AccessToken | None:
        return AccessToken(token=token, client_id="ada", scopes=["mcp"]) if token == "issued-by-the-as" else None


def make_verifier() -> OAuthLikeVerifier:
    return OAuthLikeVerifier()


@asynccontextmanager
async def remote(app: App, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    """The app as `serve --http --host 0.0.0.0` builds it, reached under the proxy's name."""
    surface = Surface(app)
    config = HttpSettings(**{"host": "0.0.0.0", "port": 8765, "token": TOKEN,
                             "allowed_hosts": (PROXY_NAME,), **settings})  # type: ignore[arg-type]
    asgi = build_http_app(surface, host=config.host, port=config.port, extra_routes=health_routes(app),
                          settings=config)
    async with surface.server.session_manager.run(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=f"https://{PROXY_NAME}") as client:
        yield client


def bearer(token: str = TOKEN, scheme: str = "Bearer") -> dict[str, str]:
    return {"authorization": f"{scheme} {token}"}


async def initialize(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    """A 2025-11-25 session: the headers its later requests carry."""
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    response = await client.post("/mcp", headers={**JSON_AND_SSE, **headers}, json=init)
    assert response.status_code == 200, response.text
    session = {**JSON_AND_SSE, **headers, "mcp-session-id": response.headers["mcp-session-id"],
               "mcp-protocol-version": "2025-11-25"}
    await client.post("/mcp", headers=session, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    return session


async def test_a_reverse_proxy_name_is_allowed_and_others_are_not(app: App) -> None:
    async with remote(app) as client:
        session = await initialize(client, bearer())
        listed = await client.post("/mcp", headers=session, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        assert listed.status_code == 200 and "crm_create_lead" in listed.text
        foreign = await client.post("/mcp", headers={**session, "host": "evil.example"},
                                    json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
        assert foreign.status_code == 421


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/instance-health", "/mcp"])
async def test_host_and_origin_are_checked_on_every_route(app: App, path: str) -> None:
    async with remote(app) as client:
        assert (await client.get(path, headers={"host": "evil.example", **bearer()})).status_code == 421
        origin = {"origin": "https://evil.example", **bearer()}
        assert (await client.get(path, headers=origin)).status_code == 403


async def test_probes_answer_without_a_token_and_say_only_pass(app: App) -> None:
    async with remote(app) as client:
        for path in ("/healthz", "/readyz"):
            response = await client.get(path)
            assert response.status_code == 200 and response.json()["status"] == "pass"
        assert (await client.get("/instance-health")).status_code == 401
        assert (await client.get("/instance-health", headers=bearer("wrong"))).status_code == 401
        assert (await client.get("/instance-health", headers=bearer())).status_code == 200
        assert (await client.post("/mcp", headers=JSON_AND_SSE, json={})).status_code == 401


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
async def test_the_bearer_scheme_is_case_insensitive(app: App, scheme: str) -> None:
    async with remote(app) as client:
        assert (await client.get("/instance-health", headers=bearer(scheme=scheme))).status_code == 200


async def test_an_authorization_servers_tokens_plug_in_with_protected_resource_metadata(app: App) -> None:
    settings = {"token": None, "verifier": f"{__name__}:make_verifier", "public_url": f"https://{PROXY_NAME}/mcp",
                "auth_issuer": "https://auth.example.test"}
    async with remote(app, **settings) as client:
        refused = await client.post("/mcp", headers=JSON_AND_SSE, json={})
        assert refused.status_code == 401
        metadata_url = f"https://{PROXY_NAME}/.well-known/oauth-protected-resource/mcp"
        assert metadata_url in refused.headers["www-authenticate"]
        metadata = (await client.get(metadata_url)).json()
        assert metadata["resource"] == f"https://{PROXY_NAME}/mcp"
        assert metadata["authorization_servers"] == ["https://auth.example.test/"]
        assert (await client.get("/instance-health", headers=bearer("issued-by-the-as"))).status_code == 200
        assert (await client.get("/instance-health", headers=bearer(TOKEN))).status_code == 401


@pytest.mark.parametrize("bad_id", [None, {"a": 1}, [1], True, 1.5])
async def test_a_request_whose_id_is_not_a_string_or_integer_is_invalid(app: App, bad_id: object) -> None:
    async with remote(app) as client:
        session = await initialize(client, bearer())
        response = await client.post("/mcp", headers=session, content=json.dumps(
            {"jsonrpc": "2.0", "id": bad_id, "method": "tools/list"}))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600
        ok = await client.post("/mcp", headers=session, json={"jsonrpc": "2.0", "id": "s-1", "method": "ping"})
        assert ok.status_code == 200  # a notification-shaped body without id is still fine, and so is a string id


async def test_a_legacy_stream_opens_with_a_priming_event(app: App) -> None:
    async with remote(app) as client:
        session = await initialize(client, bearer())
        response = await client.post("/mcp", headers=session, json={"jsonrpc": "2.0", "id": 7, "method": "ping"})
        priming, answer = response.text.replace("\r\n", "\n").split("\n\n")[:2]
        assert priming.startswith("id: ") and "retry: 1000" in priming  # where a broken stream resumes from
        assert '"id":7' in answer


async def test_the_event_store_replays_one_stream_after_an_id_and_stays_bounded() -> None:
    store = MemoryEventStore(max_events=3)
    first = await store.store_event("a", None)  # a priming event
    ping = JSONRPCRequest(jsonrpc="2.0", id=1, method="ping")
    second = await store.store_event("a", ping)
    await store.store_event("b", JSONRPCRequest(jsonrpc="2.0", id=2, method="ping"))
    replayed: list[EventMessage] = []

    async def collect(event: EventMessage) -> None:
        replayed.append(event)

    assert await store.replay_events_after(first, collect) == "a"
    assert [e.event_id for e in replayed] == [second]  # not stream b's event
    await store.store_event("b", ping)
    assert store.size == 3 and await store.replay_events_after(first, collect) is None  # the oldest went first
    assert await store.replay_events_after("guessed", collect) is None


@pytest.fixture
def remote_server(tmp_path: Path) -> Iterator[str]:
    """`pilothouse serve --http --host 0.0.0.0 --allowed-host NAME` with a token, as behind a proxy."""
    port = free_port()
    env = {**os.environ, "PILOTHOUSE_DB": str(tmp_path / "remote.db"), "PILOTHOUSE_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "serve", "--http", "--host", "0.0.0.0",
                             "--port", str(port), "--allowed-host", PROXY_NAME],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded readiness poll on the public probe (no token needed)
            try:
                if httpx.get(f"{url}/healthz", timeout=0.2).status_code == 200:
                    break
            except httpx.TransportError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "exited") from None
        else:
            raise RuntimeError("server did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_remote_client_behind_a_proxy_with_a_token_works(remote_server: str, mode: str) -> None:
    # What the proxy forwards: its public Host name, and the client's bearer token.
    http = create_mcp_http_client(headers={"host": PROXY_NAME, "authorization": f"Bearer {TOKEN}"})
    async with http, Client(streamable_http_client(f"{remote_server}/mcp", http_client=http), mode=mode) as client:
        assert "crm_create_lead" in [t.name for t in (await client.list_tools()).tools]
        created = await client.call_tool("crm_create_lead", {"email": "remote@acme.io"})
        assert not created.is_error and created.structured_content is not None
        assert created.structured_content["email"] == "remote@acme.io"
