"""Idempotency keys: a retried call with the same key replays the first result and sends nothing twice.

Through the real MCP client (the key in ``_meta``, as a host passes it, and in execute_skill's
arguments, as a model can), and through the CLI (``--idempotency-key``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent
from mcp_types import RequestParamsMeta

from server import idempotency
from server.app import App
from server.assembly import Process, open_app
from server.cli.main import main
from server.executor import CallResult
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


def _text(result: CallToolResult) -> list[str]:
    return [c.text for c in result.content if isinstance(c, TextContent)]


async def test_the_same_key_replays_the_first_result_and_sends_nothing_twice(app: App, mcp: McpHarness) -> None:
    client = mcp.client
    mail = {"to": "ada@example.com", "subject": "Your order", "body": "It shipped.", "confirm": True}
    first = await client.call_tool("email_send", mail, meta=_key("order-42-shipped"))
    again = await client.call_tool("email_send", mail, meta=_key("order-42-shipped"))
    assert not first.is_error and not again.is_error
    assert again.structured_content == first.structured_content  # the same outbox row, queued once
    assert any(t.startswith("replayed: the result of the first call") for t in _text(again))
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 1
    other = await client.call_tool("email_send", {**mail, "body": "Something else."},
                                   meta=_key("order-42-shipped"))
    assert other.is_error and "stands for that call only. A new call needs a new key" in _text(other)[0]
    fresh = await client.call_tool("email_send", mail, meta=_key("order-43-shipped"))
    assert not fresh.is_error and await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 2
    # A model can pass one too, through execute_skill's arguments.
    via_meta_tool = {"name": "email_send", "arguments": mail, "idempotency_key": "order-44"}
    once = await mcp.call("execute_skill", **via_meta_tool)
    assert await mcp.call("execute_skill", **via_meta_tool) == once
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 3
    bad = await client.call_tool("email_send", mail, meta=_key("has spaces"))
    assert bad.is_error and "printable characters without spaces" in _text(bad)[0]


@pytest.mark.usefixtures("business")  # an invoice goes out in the business's name
async def test_a_refusal_before_running_frees_the_key_for_the_corrected_call(app: App, mcp: McpHarness) -> None:
    client, key = mcp.client, _key("send-invoice-1")
    draft = await mcp.call("invoicing_create_invoice", customer="Ada Ltd", customer_email="ada@example.com",
                           lines=[{"description": "Audit", "quantity": 1, "unit_price_cents": 90_000}])
    unconfirmed = await client.call_tool("invoicing_send_invoice", {"invoice_id": draft["id"]}, meta=key)
    assert unconfirmed.is_error and "confirmation_required" in _text(unconfirmed)[0]  # nothing ran: key not kept
    sent = await client.call_tool("invoicing_send_invoice", {"invoice_id": draft["id"], "confirm": True}, meta=key)
    assert not sent.is_error
    retried = await client.call_tool("invoicing_send_invoice", {"invoice_id": draft["id"], "confirm": True}, meta=key)
    assert retried.structured_content == sent.structured_content  # not "already sent": the first answer, again
    assert await app.store.fetchval("SELECT COUNT(*) FROM outbox") == 1
    # Reads take no key: they run each time.
    for _ in range(2):
        listed = await client.call_tool("invoicing_list", {}, meta=_key("read"))
        assert not listed.is_error and not any(t.startswith("replayed") for t in _text(listed))


async def test_a_key_whose_first_call_is_running_or_was_interrupted_is_refused(
        app: App, app_db: Path | str, clock: FakeClock) -> None:
    release, ran = anyio.Event(), []

    async def slow() -> CallResult:
        ran.append("first")
        await release.wait()
        return await app.executor.call("crm_create_lead", {"email": "ada@acme.io"}, caller="mcp")

    args: dict[str, Any] = {"email": "ada@acme.io"}
    async with anyio.create_task_group() as tg, open_app(app_db, clock=clock) as other:
        tg.start_soon(idempotency.guarded, app, "lead-ada", "crm_create_lead", args, slow)
        while not ran:
            await anyio.lowlevel.checkpoint()
        running = await idempotency.guarded(other, "lead-ada", "crm_create_lead", args, slow)
        assert not running.ok and "is still running; ask again when it has finished" in running.message
        clock.advance(minutes=11)  # far longer than any skill may run: its process is gone
        lost = await idempotency.guarded(other, "lead-ada", "crm_create_lead", args, slow)
        assert not lost.ok and "was interrupted" in lost.message and "whether it took effect is unknown" in lost.message
        release.set()
    assert ran == ["first"]  # the repeats never ran it


def test_the_cli_takes_a_key_and_a_retry_prints_the_first_result(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    command = ["--db", db, "call", "email_send", "--args", json.dumps(
        {"to": "ada@example.com", "subject": "Receipt", "body": "Thanks!"}), "--idempotency-key", "receipt-7", "--yes"]
    assert main(command) == 0
    first = capsys.readouterr()
    assert main(command) == 0
    again = capsys.readouterr()
    assert json.loads(again.out) == json.loads(first.out)
    assert "replayed: the result of the first call with idempotency key 'receipt-7'" in again.err
    assert main(["--db", db, "call", "email_list_outbox"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


async def test_a_host_over_http_era_passes_meta_too(app: App) -> None:
    async with Client(Process.assemble(app, scheduler=False).surface.server, mode="legacy") as client:
        for _ in range(2):
            await client.call_tool("crm_create_lead", {"email": "grace@acme.io"}, meta=_key("g-1", "idempotency_key"))
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 1


def _key(value: str, name: str = "idempotencyKey") -> RequestParamsMeta:
    """A request's ``_meta`` carrying an idempotency key, as a host sends it."""
    return cast(RequestParamsMeta, {name: value})
