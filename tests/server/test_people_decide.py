"""Decisions that belong to a person are made by a person: a model cannot approve, reject or change trust.

Over MCP the model writes every argument, so ``confirm: true`` is its word, not the person's. Deciding
a request and changing trust or the agent's mode need the client's form (elicitation, both eras), the
CLI or the cockpit; a client without forms is refused with where to decide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import scheduler_for
from server.cli.main import main
from server.testing import Person, connect
from server.trust import mode, policy, review

pytestmark = pytest.mark.anyio

ERAS = pytest.mark.parametrize("era", ["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])
LINES = [{"description": "Consulting", "quantity": 1, "unit_price_cents": 50_000}]


async def agent_asks_to_send_an_invoice(app: App) -> tuple[int, int]:
    """The agent calls an approve skill: it is queued for a person. (invoice id, request id)"""
    draft = await app.executor.call("invoicing_create_invoice", {
        "customer": "Northwind", "customer_email": "ap@northwind.example", "lines": LINES}, caller="cli")
    assert draft.ok and draft.output is not None
    queued = await app.executor.call("invoicing_send_invoice", {"invoice_id": draft.output["id"]}, caller="pilot")
    assert queued.error_kind == "approval_required" and queued.approval_id
    return int(draft.output["id"]), queued.approval_id


async def request_status(app: App, request_id: int) -> str:
    return str(await app.store.fetchval("SELECT status FROM approvals WHERE id = ?", (request_id,)))


async def invoice_went_out(app: App, invoice_id: int) -> bool:
    mails = await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE purpose = ?", (f"invoice:{invoice_id}",))
    return int(mails) > 0


@ERAS
@pytest.mark.parametrize("confirm", [None, True, "yes", 1], ids=repr)
async def test_a_model_cannot_approve_or_reject_a_request(app: App, era: str, confirm: Any) -> None:
    invoice_id, request_id = await agent_asks_to_send_an_invoice(app)
    said = {} if confirm is None else {"confirm": confirm}
    async with connect(app, era) as mcp:  # a client without forms: nothing tells the person's yes from the model's
        approve = await mcp.error("ops_approve", approval_id=request_id, **said)
        reject = await mcp.error("ops_reject", approval_id=request_id, reason="nope", **said)
    assert approve.startswith("person_required: ops_approve is a person's decision")
    assert f"`pilothouse approvals approve {request_id}`" in approve and "/cockpit" in approve
    assert f"pilothouse approvals reject {request_id}" in reject
    # The minutely approvals job finds nothing approved: the request waits, nothing went out.
    scheduler = scheduler_for(app)
    await scheduler.tick()
    assert await request_status(app, request_id) == "pending"
    assert not await invoice_went_out(app, invoice_id)


@ERAS
async def test_the_person_approves_in_the_clients_form_seeing_what_they_approve(app: App, era: str) -> None:
    invoice_id, request_id = await agent_asks_to_send_an_invoice(app)
    person = Person()
    async with connect(app, era, person) as mcp:
        approved = await mcp.call("ops_approve", approval_id=request_id, confirm=False)  # ignored: the form asks
    assert (approved["status"], approved["decided_by"]) == ("approved", "mcp")
    [question] = person.asked
    assert question.message.startswith("Confirm: Approve a request (ops_approve)\n")
    assert f"Request #{request_id} (approval, asked by pilot" in question.message
    assert f"invoicing_send_invoice {{\"invoice_id\":{invoice_id}}}" in question.message
    assert "This is a person's decision: no model may make it for you." in question.message
    row = await app.store.fetchone("SELECT input FROM activity WHERE skill = 'ops_approve' AND status = 'ok'")
    assert row is not None and json.loads(row["input"])["_confirmed_via"] == "elicitation"


@ERAS
async def test_a_no_in_the_form_leaves_the_request_waiting(app: App, era: str) -> None:
    invoice_id, request_id = await agent_asks_to_send_an_invoice(app)
    person = Person("decline")
    async with connect(app, era, person) as mcp:
        error = await mcp.error("ops_approve", approval_id=request_id, confirm=True)
        gone = await mcp.error("ops_approve", approval_id=999)
    assert "the person said no to ops_approve" in error
    assert "no approval with id 999" in gone and len(person.asked) == 1  # never asked about what does not exist
    assert await request_status(app, request_id) == "pending"
    assert not await invoice_went_out(app, invoice_id)


@ERAS
async def test_a_model_cannot_change_trust_or_the_agents_mode(app: App, era: str) -> None:
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    attempts: list[tuple[str, dict[str, Any], str]] = [
        ("trust_set_skill", {"skill_name": "invoicing_send_invoice", "level": "auto"},
         "`pilothouse skills trust invoicing_send_invoice auto`"),
        ("trust_set_module", {"module_id": "invoicing", "level": "auto"}, "`pilothouse modules trust invoicing auto`"),
        ("trust_set_agent_mode", {"mode_name": "live"}, "`pilothouse agent mode live`"),
    ]
    async with connect(app, era) as mcp:
        for name, arguments, where in attempts:
            error = await mcp.error(name, **arguments, confirm=True)
            assert error.startswith(f"person_required: {name}") and where in error, error
        policy_shown = await mcp.call("trust_policy")  # reading the policy decides nothing: no form needed
    assert policy_shown["mode"] == "shadow"
    async with connect(app, era, Person("decline")) as mcp:
        for name, arguments, _ in attempts:
            assert "the person said no" in await mcp.error(name, **arguments, confirm=True)
    assert await mode.current(app.store) == "shadow"
    assert {s.skill: s.trust for s in await policy.standings(app)}["invoicing_send_invoice"] == "approve"
    # The person, in the form: it changes.
    person = Person()
    async with connect(app, era, person) as mcp:
        changed = await mcp.call("trust_set_agent_mode", mode_name="live")
    assert changed["detail"] == "agent mode shadow -> live" and len(person.asked) == 1


@pytest.mark.usefixtures("business")  # an invoice goes out in the business's name
async def test_the_cli_decides_at_a_terminal_and_a_script_is_told_where(
        app: App, app_db: str | Path, capsys: pytest.CaptureFixture[str]) -> None:
    invoice_id, request_id = await agent_asks_to_send_an_invoice(app)

    def cli(*args: str) -> tuple[int, str]:
        code = main(["--db", str(app_db), *args])
        out, err = capsys.readouterr()
        return code, out + err

    # `pilothouse call` from a script (no terminal to ask on, no --yes): refused, and told where to decide.
    code, said = await anyio.to_thread.run_sync(lambda: cli(
        "call", "ops_approve", "--args", json.dumps({"approval_id": request_id})))
    assert code == 1 and f"pilothouse approvals approve {request_id}" in said, said
    assert await request_status(app, request_id) == "pending"
    # What `pilothouse approvals approve` (and the cockpit's Approve) calls: the person's own command (the
    # CLI's clock is the wall clock, the request's expiry the test clock's, so it is called here).
    decided = await review.approve(app, request_id)
    assert decided.ran is not None and decided.ran.status == "executed"
    assert await invoice_went_out(app, invoice_id)


async def test_the_agent_is_refused_whatever_it_claims(app: App) -> None:
    _, request_id = await agent_asks_to_send_an_invoice(app)
    for name, arguments in (("ops_approve", {"approval_id": request_id, "confirm": True}),
                            ("trust_set_skill", {"skill_name": "email_send", "level": "auto", "confirm": True})):
        refused = await app.executor.call(name, arguments, caller="pilot")
        assert refused.error_kind == "skill_disabled" and "a person's decision" in refused.message
    assert await request_status(app, request_id) == "pending"
