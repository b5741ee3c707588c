"""The real SDK client against the real server process: stdio and streamable HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters

from server.assembly import open_app
from server.errors import ConfigError
from server.http_app import build_http_app
from server.mcp.surface import Surface

pytestmark = pytest.mark.anyio


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(db: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PILOTHOUSE_DB": str(db), **extra}


async def test_stdio_subprocess_lists_and_calls_tools(tmp_path: Path) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "server.cli.main", "serve"],
                                   env=_env(tmp_path / "stdio.db"))
    async with Client(params) as client:
        tools = await client.list_tools()
        assert "crm_create_lead" in [t.name for t in tools.tools]
        created = await client.call_tool("crm_create_lead", {"email": "stdio@acme.io"})
        assert not created.is_error and created.structured_content["email"] == "stdio@acme.io"
        bad = await client.call_tool("crm_set_lead_status", {"lead_id": 99, "status": "lost"})
        assert bad.is_error and isinstance(bad.content[0], types.TextContent)
        assert "no lead with id 99" in bad.content[0].text


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli.main", "serve", "--http", "--port", str(port)],
        env=_env(tmp_path / "http.db"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Wait for readiness by polling the liveness endpoint (bounded, no fixed sleep).
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=0.2).status_code == 200:
                    break
            except httpx.TransportError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server exited") from None
        else:
            raise RuntimeError("server did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_http_transport_in_both_eras(http_server: str, mode: str) -> None:
    async with Client(f"{http_server}/mcp", mode=mode) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "blog_create_post" in names
        post = await client.call_tool("blog_create_post", {"title": "Hello over HTTP"})
        assert post.structured_content["slug"].startswith("hello-over-http")


def test_http_refuses_a_foreign_host_header(http_server: str) -> None:
    response = httpx.post(f"{http_server}/mcp", headers={"Host": "evil.example:80"}, json={})
    assert response.status_code == 421


async def test_binding_beyond_loopback_needs_a_token() -> None:
    async with open_app(":memory:") as app:
        with pytest.raises(ConfigError, match="PILOTHOUSE_TOKEN"):
            build_http_app(Surface(app), host="0.0.0.0", port=8765, token=None)


async def test_token_is_required_on_mcp_but_not_on_the_liveness_probe() -> None:
    async with open_app(":memory:") as app:
        asgi = build_http_app(Surface(app), host="0.0.0.0", port=8765, token="s3cret-token")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://127.0.0.1:8765") as c:
            assert (await c.get("/healthz")).status_code == 200
            assert (await c.post("/mcp", json={})).status_code == 401
            assert (await c.post("/mcp", json={}, headers={"Authorization": "Bearer wrong"})).status_code == 401


def _stdio_answer(db: Path, line: bytes) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-m", "server.cli.main", "serve"], input=line, capture_output=True,
                          env=_env(db), timeout=60)
    answer: dict[str, object] = json.loads(proc.stdout.decode().splitlines()[0])
    return answer


@pytest.mark.parametrize(("line", "code"), [(b"this is not json\n", -32700), (b'{"hello": "world"}\n', -32600)])
def test_an_unreadable_stdio_line_gets_an_error_answer(tmp_path: Path, line: bytes, code: int) -> None:
    answer = _stdio_answer(tmp_path / "stdio.db", line)
    assert answer["id"] is None and isinstance(answer["error"], dict) and answer["error"]["code"] == code


def test_sigterm_stops_a_stdio_server_whose_client_keeps_stdin_open(tmp_path: Path) -> None:
    """A host ends its server with SIGTERM and does not always close the pipe first."""
    proc = subprocess.Popen([sys.executable, "-m", "server.cli.main", "serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(tmp_path / "stdio.db"))
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}\n')
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["id"] == 1  # serving, and the signals are handled by now
        proc.terminate()
        assert proc.wait(timeout=30) == 0  # stdin is still open: the read must not hold the process
        assert "received SIGTERM" in proc.stderr.read().decode()  # type: ignore[union-attr]
    finally:
        proc.kill()
        proc.stdin.close()
