"""Approve trust holds whoever calls: an automation or a platform job queues a request, never runs it."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from pydantic import BaseModel

from server.agent.approved_actions import execute_approved
from server.agent.bootstrap import disable_agent, enable_agent
from server.app import App
from server.assembly import scheduler_for
from server.cli.main import main
from server.scheduler.automations import dispatch
from server.testing import FakeClock, McpHarness
from server.trust import review
from skills import Automation, ContractError, Module, SkillContext, skill

pytestmark = pytest.mark.anyio

LINES = [{"description": "Consulting", "quantity": 1, "unit_price_cents": 10_000}]


async def _overdue_invoice(mcp: McpHarness, clock: FakeClock) -> None:
    draft = await mcp.call("invoicing_create_invoice", customer="Northwind", customer_email="ap@northwind.example",
                           lines=LINES, terms_days=10)
    await mcp.call("invoicing_send_invoice", invoice_id=draft["id"], confirm=True)


async def _customer_mail(app: App) -> int:
    return int(await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE recipient = 'ap@northwind.example' "
                                        "AND purpose NOT LIKE 'invoice:%'"))


@pytest.mark.usefixtures("business")  # invoices go out with the seller's identity
async def test_an_automation_on_an_approve_skill_queues_one_approval_and_sends_nothing(
        app: App, mcp_person: McpHarness, clock: FakeClock) -> None:
    mcp = mcp_person  # a chat client that shows the person its confirmation forms
    # The story: invoicing_check_overdue (auto) emits invoice.overdue, which fires "Dunning reminders"
    # (invoicing_send_reminders, approve trust) with caller automation.
    await enable_agent(app)
    await _overdue_invoice(mcp, clock)
    await _overdue_invoice(mcp, clock)
    clock.advance(days=20)
    assert len((await mcp.call("invoicing_check_overdue"))["newly_overdue"]) == 2  # two invoice.overdue events
    report = await dispatch(app, agent_on=True)
    assert [(skill, ok) for _, skill, ok in report.fired] == [("invoicing_send_reminders", False)] * 2
    assert await _customer_mail(app) == 0  # nothing reached the customer
    rows = await app.store.fetchall("SELECT skill, status, requested_by, arguments FROM approvals")
    # The same call twice (two events, the same arguments) is one request, not two.
    assert rows == [{"skill": "invoicing_send_reminders", "status": "pending", "requested_by": "automation",
                     "arguments": "{}"}]
    notes = await app.store.fetchall("SELECT kind, title, body FROM notifications WHERE kind = 'approval_requested'")
    assert len(notes) == 1 and "An automation asks to run invoicing_send_reminders" in notes[0]["title"]
    assert "pilothouse approvals approve" in notes[0]["body"]

    # A person approves: the heartbeat's follow-through runs it once, as the automation that asked.
    [approval] = (await mcp.call("ops_list_approvals"))["items"]
    await mcp.call("ops_approve", approval_id=approval["id"])
    [done] = await execute_approved(app)
    assert done.status == "executed"
    assert await _customer_mail(app) == 2
    caller = await app.store.fetchval("SELECT caller FROM activity WHERE skill = 'invoicing_send_reminders' "
                                      "AND status = 'ok'")
    assert caller == "automation"


async def test_a_platform_job_is_queued_too(app: App, clock: FakeClock) -> None:
    first = await app.executor.call("invoicing_send_reminders", {}, caller="system")
    again = await app.executor.call("invoicing_send_reminders", {}, caller="system")
    assert first.error_kind == "approval_required" and first.approval_id
    assert again.approval_id == first.approval_id and "already waiting" in again.message
    assert await app.store.fetchval("SELECT COUNT(*) FROM approvals") == 1
    # The agent asking for the same call is that request again, whoever asked first.
    agent = await app.executor.call("invoicing_send_reminders", {}, caller="pilot")
    assert agent.approval_id == first.approval_id


class Done(BaseModel):
    ok: bool


@skill(name="risky_wipe", title="Wipe", trust="approve", category="system", instructions="Wipes, for the test.")
async def wipe(ctx: SkillContext) -> Done:
    """Wipe everything."""
    return Done(ok=True)


def test_registration_refuses_a_platform_automation_on_an_approve_skill() -> None:
    with pytest.raises(ContractError, match="platform automation 'Nightly wipe' targets 'risky_wipe'"):
        Module(id="risky", name="Risky", description="d", category="system", version="1", skills=(wipe,),
               automations=(Automation(name="Nightly wipe", trigger="cron", config={"schedule": "0 3 * * *"},
                                       skill="risky_wipe"),))
    # The agent's automation may target it: its call is queued for a person.
    Module(id="risky", name="Risky", description="d", category="system", version="1", skills=(wipe,),
           automations=(Automation(name="Nightly wipe", trigger="cron", config={"schedule": "0 3 * * *"},
                                   skill="risky_wipe", executor="pilot"),))


async def test_with_the_agent_off_a_person_decides_a_queued_request_and_it_runs_at_once(
        app: App, app_db: str | Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Manual mode: no heartbeat will ever follow a request through, so approving one runs it.
    await disable_agent(app)
    queued = await app.executor.call("invoicing_send_reminders", {}, caller="system")
    assert queued.error_kind == "approval_required"

    def cli(*args: str) -> tuple[int, str]:
        code = main(["--db", str(app_db), *args])
        out, err = capsys.readouterr()
        return code, out + err

    code, listed = await anyio.to_thread.run_sync(lambda: cli("approvals", "list"))
    assert code == 0 and "invoicing_send_reminders" in listed, listed
    assert "system" in listed  # who asked
    # What `approvals approve` and the cockpit's Approve call (the CLI's clock is the wall clock; the
    # request's expiry is the test clock's).
    decided = await review.approve(app, queued.approval_id or 0)
    assert decided.ran is not None and decided.ran.status == "executed"
    row = await app.store.fetchone("SELECT status, decided_by FROM approvals WHERE id = ?", (queued.approval_id,))
    assert row == {"status": "executed", "decided_by": "cli"}
    ran = await app.store.fetchval("SELECT caller FROM activity WHERE skill = 'invoicing_send_reminders' "
                                   "AND status = 'ok'")
    assert ran == "system"  # run as whoever asked, approved


async def test_with_the_agent_off_an_undecided_request_expires_and_the_admin_hears(
        app: App, clock: FakeClock) -> None:
    await disable_agent(app)
    queued = await app.executor.call("invoicing_send_reminders", {}, caller="system")
    scheduler = scheduler_for(app)
    await scheduler.tick()  # registers the platform schedules
    clock.advance(hours=47)
    await scheduler.tick()
    assert (await app.store.fetchone("SELECT status FROM approvals WHERE id = ?", (queued.approval_id,))) == {
        "status": "pending"}
    clock.advance(hours=2)  # past the 48 h: no heartbeat runs, the platform's expiry does
    await scheduler.tick()
    row = await app.store.fetchone("SELECT status FROM approvals WHERE id = ?", (queued.approval_id,))
    assert row == {"status": "expired"}
    [note] = await app.store.fetchall("SELECT title, body FROM notifications WHERE kind = 'approval_expired'")
    assert note["title"] == "1 request(s) expired undecided" and "invoicing_send_reminders" in note["body"]


async def test_with_the_agent_off_a_request_approved_over_mcp_runs_within_a_minute(
        app: App, mcp_person: McpHarness, clock: FakeClock) -> None:
    # A person approves in a chat client's form (ops_approve), which only records the decision: no
    # heartbeat runs it.
    mcp = mcp_person
    await disable_agent(app)
    queued = await app.executor.call("invoicing_send_reminders", {}, caller="system")
    scheduler = scheduler_for(app)
    await scheduler.tick()  # registers the platform schedules
    await mcp.call("ops_approve", approval_id=queued.approval_id)
    clock.advance(minutes=1)
    await scheduler.tick()
    row = await app.store.fetchone("SELECT status FROM approvals WHERE id = ?", (queued.approval_id,))
    assert row == {"status": "executed"}
    ran = await app.store.fetchval("SELECT caller FROM activity WHERE skill = 'invoicing_send_reminders' "
                                   "AND status = 'ok'")
    assert ran == "system"
