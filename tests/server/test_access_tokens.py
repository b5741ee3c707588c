"""Tokens per person and per integration: scoped, named on every call, revoked or expired at once.

The real SDK client talks to the real HTTP app (the ASGI app `serve --http` builds, in process, its
session manager running), so the FakeClock can move a token past its expiry.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from server.access import issue
from server.app import App
from server.assembly import Process
from server.errors import ConfigError
from server.http_app import HttpSettings, build_http_app
from server.testing import FakeClock

pytestmark = pytest.mark.anyio

OWNER_TOKEN = "the-old-single-owner-token"
BASE = "http://127.0.0.1:8765"
INVOICE = {"customer": "Northwind", "customer_email": "ap@northwind.example",
           "lines": [{"description": "Audit", "quantity": 1, "unit_price_cents": 50_000}]}


@asynccontextmanager
async def http_app(app: App) -> AsyncIterator[httpx.AsyncClient]:
    """`serve --http` with tokens in the database (and the old PILOTHOUSE_TOKEN set): every caller needs one."""
    process = Process.assemble(app, scheduler=False)
    settings = HttpSettings(token=OWNER_TOKEN, access_tokens=True)
    asgi = build_http_app(process.surface, host=settings.host, port=settings.port, extra_routes=process.routes,
                          settings=settings)
    async with process.surface.server.session_manager.run(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=BASE) as raw:
        yield raw


@asynccontextmanager
async def connect(raw: httpx.AsyncClient, token: str, mode: str = "auto") -> AsyncIterator[Client]:
    asgi = cast(httpx.ASGITransport, raw._transport).app  # the same app, through the SDK's own HTTP client
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=asgi), base_url=BASE,
                              headers={"authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(f"{BASE}/mcp", http_client=http), mode=mode) as client:
        yield client


async def token(app: App, name: str, scopes: str, expires: str = "90d") -> str:
    return (await issue.create(app.store, app.clock.now(), name, scopes, expires, list(app.registry.modules))).token


async def names(client: Client) -> set[str]:
    return {t.name for t in (await client.list_tools(cache_mode="refresh")).tools}


async def who_called(app: App, skill: str) -> list[tuple[str, str | None]]:
    rows = await app.store.fetchall("SELECT caller, caller_name FROM activity WHERE skill = ? ORDER BY id", (skill,))
    return [(r["caller"], r["caller_name"]) for r in rows]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_read_scoped_token_reads_invoices_and_cannot_send_one(app: App, mode: str) -> None:
    async with http_app(app) as raw:
        async with connect(raw, OWNER_TOKEN, mode) as owner:
            draft = await owner.call_tool("invoicing_create_invoice", INVOICE)
            assert not draft.is_error and draft.structured_content is not None
        accountant = await token(app, "accountant", "invoicing:read")
        async with connect(raw, accountant, mode) as client:
            listed = await names(client)
            assert "invoicing_list" in listed and "invoicing_send_invoice" not in listed
            assert "crm_list_leads" not in listed  # another module: not in its scopes
            read = await client.call_tool("invoicing_list", {})
            assert not read.is_error and read.structured_content is not None
            assert read.structured_content["total"] == 1
            with pytest.raises(MCPError, match="invoicing:write"):
                await client.call_tool("invoicing_send_invoice", {"invoice_id": draft.structured_content["id"],
                                                                  "confirm": True})
            through_meta = await client.call_tool("execute_skill", {
                "name": "invoicing_send_invoice", "arguments": {"invoice_id": 1, "confirm": True}})
            assert through_meta.is_error and "invoicing:write" in str(through_meta.content)
    assert await who_called(app, "invoicing_list") == [("mcp", "accountant")]
    assert await who_called(app, "invoicing_create_invoice") == [("mcp", "owner")]
    assert await who_called(app, "invoicing_send_invoice") == []  # refused before the executor: nothing sent
    invoice = draft.structured_content["id"]
    assert await app.store.fetchval("SELECT status FROM invoicing_invoices WHERE id = ?", (invoice,)) == "draft"


async def test_a_revoked_token_fails_at_once_with_a_clear_401(app: App) -> None:
    helper = await token(app, "support-helper", "crm:write")
    async with http_app(app) as raw:
        async with connect(raw, helper) as client:
            assert not (await client.call_tool("crm_create_lead", {"email": "ada@example.com"})).is_error
            await issue.revoke(app.store, app.clock.now(), "support-helper")
            with pytest.raises(Exception):  # noqa: B017 - the client sees an HTTP 401 on its very next request
                await client.call_tool("crm_list_leads", {})
        refused = await raw.post("/mcp", headers={"authorization": f"Bearer {helper}"},
                                 json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_token"
    assert "'support-helper' was revoked" in refused.json()["error_description"]
    assert "revoked" in refused.headers["www-authenticate"]
    assert await who_called(app, "crm_create_lead") == [("mcp", "support-helper")]
    assert await who_called(app, "crm_list_leads") == []


async def test_an_expired_token_fails_and_an_unknown_one_is_not_let_in(app: App, clock: FakeClock) -> None:
    zapier = await token(app, "zapier", "read", expires="2d")
    async with http_app(app) as raw:
        ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        headers = {"accept": "application/json, text/event-stream", "mcp-protocol-version": "2026-07-28"}
        ok = await raw.post("/mcp", headers={**headers, "authorization": f"Bearer {zapier}"}, json=ping)
        assert ok.status_code == 400 and "invalid_token" not in ok.text  # let in: the MCP layer answers (no envelope)
        clock.advance(days=2)
        expired = await raw.post("/mcp", headers={**headers, "authorization": f"Bearer {zapier}"}, json=ping)
        assert expired.status_code == 401 and "'zapier' expired at" in expired.json()["error_description"]
        unknown = await raw.post("/mcp", headers={**headers, "authorization": "Bearer ph_guessed"}, json=ping)
        assert unknown.status_code == 401


async def test_people_only_decisions_need_the_decide_scope(app: App) -> None:
    viewer, approver = await token(app, "viewer", "ops:write"), await token(app, "approver", "ops:read decide")
    async with http_app(app) as raw:
        async with connect(raw, viewer) as client:
            listed = await names(client)
            assert "ops_list_approvals" in listed and "ops_approve" not in listed
            with pytest.raises(MCPError, match="'decide' scope"):
                await client.call_tool("ops_approve", {"approval_id": 1})
        async with connect(raw, approver) as client:
            listed = await names(client)
            assert {"ops_approve", "ops_reject", "ops_list_approvals"} <= listed
            assert "ops_resume_skill" not in listed  # ops:read only
            assert any(n.startswith("trust_") for n in listed)
            refused = await client.call_tool("ops_approve", {"approval_id": 999})  # allowed: it runs, and says
            assert refused.is_error and "no approval with id 999" in str(refused.content)
    assert await who_called(app, "ops_approve") == [("mcp", "approver")]


async def test_health_details_need_a_token_that_may_read_health(app: App) -> None:
    reader = await token(app, "reader", "invoicing:read")
    async with http_app(app) as raw:
        assert (await raw.get("/instance-health")).status_code == 401
        denied = await raw.get("/instance-health", headers={"authorization": f"Bearer {reader}"})
        assert denied.status_code == 403 and "health:read" in denied.json()["error_description"]
        allowed = await raw.get("/instance-health", headers={"authorization": f"Bearer {OWNER_TOKEN}"})
        assert allowed.status_code in (200, 503) and "status" in allowed.json()


@pytest.mark.parametrize(("scopes", "expires", "message"), [
    ("invoicing:delete", "90d", "unknown scope"), ("nosuchmodule:read", "90d", "unknown module"),
    ("", "90d", "no scope given"), ("read", "yesterday", "--expires takes"), ("read", "2001-01-01", "in the past"),
])
async def test_bad_token_requests_say_how_to_fix_them(app: App, scopes: str, expires: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        await token(app, "ada", scopes, expires)


async def test_one_token_per_name_until_it_is_revoked(app: App) -> None:
    await token(app, "ada", "read")
    with pytest.raises(ConfigError, match="revoke it first"):
        await token(app, "ada", "write")
    await issue.revoke(app.store, app.clock.now(), "ada")
    await token(app, "ada", "write")
    rows: list[dict[str, Any]] = await app.store.fetchall("SELECT token_hash, scopes FROM access_tokens ORDER BY id")
    assert [r["scopes"] for r in rows] == ["read", "write"]
    assert all(len(r["token_hash"]) == 64 and not r["token_hash"].startswith("ph_") for r in rows)  # digests only


async def test_the_cockpit_signs_in_with_a_token_checks_its_scopes_and_signs_out_a_revoked_one(app: App) -> None:
    from tests.server.test_cockpit_http import csrf_of

    await app.store.execute("INSERT INTO approvals (skill, arguments, status, requested_by, requested_at, expires_at,"
                            " kind) VALUES ('crm_create_lead', '{}', 'pending', 'automation', ?, ?, 'approval')",
                            (app.clock.now().isoformat(), "2099-01-01T00:00:00+00:00"))
    watcher, approver = await token(app, "watcher", "ops:read"), await token(app, "approver", "ops:read decide")
    async with http_app(app) as raw:
        signed = await raw.post("/cockpit/login", data={"token": watcher})
        assert signed.status_code == 303
        page = await raw.get("/cockpit")
        assert page.status_code == 200
        refused = await raw.post("/cockpit/action/reject", data={"csrf": csrf_of(page.text), "id": "1", "reason": "no"},
                                 headers={"x-cockpit-fragment": "1"})
        assert refused.status_code == 403 and "lacks the &#x27;decide&#x27; scope" in refused.text
        await issue.revoke(app.store, app.clock.now(), "watcher")
        assert (await raw.get("/cockpit")).headers["location"].endswith("/cockpit/login")  # signed out at once
        again = await raw.post("/cockpit/login", data={"token": watcher})
        assert again.status_code == 401 and "revoked" in again.text
        raw.cookies.clear()
        await raw.post("/cockpit/login", data={"token": approver})
        page = await raw.get("/cockpit")
        decided = await raw.post("/cockpit/action/reject", data={"csrf": csrf_of(page.text), "id": "1",
                                                                 "reason": "not now"})
        assert decided.status_code == 303
    row = await app.store.fetchone("SELECT status, decided_by, decided_by_name FROM approvals WHERE id = 1")
    assert row is not None and dict(row) == {"status": "rejected", "decided_by": "cli", "decided_by_name": "approver"}
    assert await who_called(app, "ops_reject") == [("cli", "approver")]


def test_the_cli_creates_lists_and_revokes_tokens_showing_the_token_once(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(tmp_path / "t.db"), "tokens",
                               *args], capture_output=True, text=True, timeout=60)

    created = cli("create", "zapier-invoices", "--scopes", "invoicing:read", "--expires", "30d", "--json")
    assert created.returncode == 0, created.stderr
    issued = json.loads(created.stdout)
    assert issued["token"].startswith("ph_") and issued["scopes"] == "invoicing:read"
    listed = cli("list")
    assert "zapier-invoices" in listed.stdout and "invoicing:read" in listed.stdout
    assert issued["token"] not in listed.stdout and "active, expires" in listed.stdout
    assert cli("revoke", "zapier-invoices").returncode == 0
    assert "revoked" in cli("list").stdout
    again = cli("revoke", "zapier-invoices")
    assert again.returncode != 0 and "no active token named 'zapier-invoices'" in again.stderr
