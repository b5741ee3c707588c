"""An approve skill called from chat asks the person through the client's form (MCP elicitation).

Sending an invoice is the approve skill under test: its effect is plain to see (a number, the
status, an email in the outbox), and so is its absence.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import mcp_types as types
import pytest

from server.app import App
from server.testing import McpHarness, Person, connect

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("business")]  # invoices name their seller

ERAS = pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])
LINES = [{"description": "Consulting", "quantity": 3, "unit_price_cents": 12_000}]


async def draft(mcp: McpHarness) -> int:
    created = await mcp.call("invoicing_create_invoice", customer="Northwind", customer_email="ap@northwind.example",
                             lines=LINES)
    return int(created["id"])


async def state(app: App, invoice_id: int) -> tuple[str, str | None, int]:
    """The invoice's status and number, and how many emails went out for it."""
    row = await app.store.fetchone("SELECT status, number FROM invoicing_invoices WHERE id = ?", (invoice_id,))
    mails = await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE purpose = ?", (f"invoice:{invoice_id}",))
    assert row is not None
    return row["status"], row["number"], int(mails)


async def send_rows(app: App) -> list[dict[str, Any]]:
    return await app.store.fetchall(
        "SELECT status, error_kind, input FROM activity WHERE skill = 'invoicing_send_invoice' ORDER BY id")


@ERAS
async def test_the_person_confirms_and_the_invoice_goes_out(app: App, mode: str) -> None:
    person = Person()
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        sent = await mcp.call("invoicing_send_invoice", invoice_id=invoice_id)
    assert (sent["status"], sent["number"]) == ("sent", "INV-2026-0001")
    assert await state(app, invoice_id) == ("sent", "INV-2026-0001", 1)
    # Asked once, saying what will happen, with the arguments and a single yes/no to fill in.
    [question] = person.asked
    assert question.message.startswith("Confirm: Send an invoice (invoicing_send_invoice)\n")
    assert f"- invoice_id: {invoice_id} (the draft invoice)" in question.message
    assert "reaches people outside this system" in question.message
    assert question.requested_schema["properties"]["confirm"]["type"] == "boolean"
    assert question.requested_schema["required"] == ["confirm"]
    # One activity row, the confirmed call, noting how the person said yes; no refusal before it.
    [row] = await send_rows(app)
    assert row["status"] == "ok"
    assert json.loads(row["input"]) == {"invoice_id": invoice_id, "_confirmed_via": "elicitation"}


@ERAS
@pytest.mark.parametrize(("action", "content", "said"), [
    ("decline", None, "the person said no"),
    ("cancel", None, "closed the confirmation for"),
    ("accept", {"confirm": False}, "the person said no"),
], ids=["decline", "cancel", "accept-no"])
async def test_no_from_the_person_changes_nothing(
    app: App, mode: str, action: Literal["accept", "decline", "cancel"], content: dict[str, Any] | None, said: str
) -> None:
    person = Person(action, content)
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        error = await mcp.error("invoicing_send_invoice", invoice_id=invoice_id)
    assert said in error and "invoicing_send_invoice" in error
    assert "it was not run and nothing was changed" in error
    assert len(person.asked) == 1
    assert await state(app, invoice_id) == ("draft", None, 0)
    # One row says what happened: refused, awaiting a yes, with the arguments as called.
    assert await send_rows(app) == [
        {"status": "error", "error_kind": "approval_required", "input": json.dumps({"invoice_id": invoice_id},
                                                                                  separators=(",", ":"))}]


@ERAS
async def test_a_client_without_elicitation_still_needs_confirm_true(app: App, mode: str) -> None:
    async with connect(app, mode, None) as mcp:
        invoice_id = await draft(mcp)
        error = await mcp.error("invoicing_send_invoice", invoice_id=invoice_id)
        assert error.startswith("confirmation_required: invoicing_send_invoice")
        assert "confirm=true" in error
        assert await state(app, invoice_id) == ("draft", None, 0)
        result = await mcp.client.call_tool("invoicing_send_invoice", {"invoice_id": invoice_id, "confirm": True})
    assert not result.is_error
    assert await state(app, invoice_id) == ("sent", "INV-2026-0001", 1)
    # The answer says what the yes rested on: the model's argument, behind whatever prompt the host showed.
    said = [c.text for c in result.content if isinstance(c, types.TextContent)]
    assert any("the host's own approval prompt" in text and "was the only check" in text for text in said[1:])
    rows = await send_rows(app)
    assert json.loads(rows[-1]["input"])["_confirmed_via"] == "confirm_argument"


@ERAS
@pytest.mark.parametrize("said_yes", [True, "true", "yes", 1, "on"], ids=repr)
async def test_a_confirm_argument_never_stands_in_for_the_form(app: App, mode: str, said_yes: object) -> None:
    """The client can show the form, so the person is asked whatever `confirm` the model wrote."""
    person = Person("decline")
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        error = await mcp.error("invoicing_send_invoice", invoice_id=invoice_id, confirm=said_yes)
    assert "the person said no" in error
    assert person.questions == ["Confirm: Send an invoice (invoicing_send_invoice)"]
    assert await state(app, invoice_id) == ("draft", None, 0)


@ERAS
async def test_with_a_form_the_yes_is_the_persons_even_with_confirm_true(app: App, mode: str) -> None:
    person = Person()
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        await mcp.call("invoicing_send_invoice", invoice_id=invoice_id, confirm=True)
    assert len(person.asked) == 1
    assert await state(app, invoice_id) == ("sent", "INV-2026-0001", 1)
    [row] = await send_rows(app)
    assert json.loads(row["input"])["_confirmed_via"] == "elicitation"


@ERAS
async def test_execute_skill_asks_the_same_question(app: App, mode: str) -> None:
    person = Person()
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        sent = await mcp.call("execute_skill", name="invoicing_send_invoice", arguments={"invoice_id": invoice_id})
    assert sent["number"] == "INV-2026-0001"
    assert [q.message.splitlines()[0] for q in person.asked] == ["Confirm: Send an invoice (invoicing_send_invoice)"]
    assert await state(app, invoice_id) == ("sent", "INV-2026-0001", 1)


@ERAS
async def test_no_question_about_a_call_that_could_not_run(app: App, mode: str) -> None:
    person = Person()
    async with connect(app, mode, person) as mcp:
        invoice_id = await draft(mcp)
        invalid = await mcp.error("invoicing_send_invoice", invoice_id="the Northwind one")
        assert invalid.startswith("invalid arguments for invoicing_send_invoice")
        await app.store.execute("UPDATE skills SET paused_reason = 'maintenance' WHERE name = 'invoicing_send_invoice'")
        paused = await mcp.error("invoicing_send_invoice", invoice_id=invoice_id)
        assert "invoicing_send_invoice is paused: maintenance" in paused
    assert person.asked == []
    assert await state(app, invoice_id) == ("draft", None, 0)


async def test_a_2026_answer_counts_only_for_the_question_the_server_asked(app: App) -> None:
    """An answer sent up front, without the sealed requestState of our question, is not a yes."""
    person = Person()
    async with connect(app, "auto", person) as mcp:
        invoice_id = await draft(mcp)
        forged: types.InputResponses = {"confirm": types.ElicitResult(action="accept", content={"confirm": True})}
        result = await mcp.client.session.call_tool("invoicing_send_invoice", {"invoice_id": invoice_id},
                                                    input_responses=forged, allow_input_required=True)
        assert isinstance(result, types.InputRequiredResult)
        assert result.input_requests is not None and list(result.input_requests) == ["confirm"]
        assert await state(app, invoice_id) == ("draft", None, 0)
        # A state from another server instance (or a made-up one) is refused by the SDK's boundary.
        with pytest.raises(Exception, match="Invalid or expired requestState"):
            await mcp.client.session.call_tool("invoicing_send_invoice", {"invoice_id": invoice_id},
                                               input_responses=forged, request_state="confirm:v1:0000",
                                               allow_input_required=True)
    assert await state(app, invoice_id) == ("draft", None, 0)
