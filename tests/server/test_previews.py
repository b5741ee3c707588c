"""Issue 31, story 2: a decision shows its consequence, computed by the skill without side effects.

The story: an approval read `invoicing_send_reminders` with `{}`, or `post_id=2`: not "email 3
customers about 4 overdue invoices, EUR 6,230.00 in total: Fernwood Bakery ...". Now every
request carries a preview (who receives what, which records change, amounts) in the CLI, the
notification, the cockpit's tool and App; a caller can ask for the same as a dry run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from server import previews
from server.app import App
from server.cli.main import main
from server.demo import seed_demo
from server.testing import McpHarness
from server.trust import review
from skills import Preview, SkillContext, definition_of, skill
from skills.preview import total

pytestmark = pytest.mark.anyio


async def _cli(capsys: pytest.CaptureFixture[str], db: str | Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = await anyio.to_thread.run_sync(main, ["--db", str(db), *args])
    return code, capsys.readouterr().out


async def _overdue(app: App) -> list[dict[str, Any]]:
    """The demo's receivables after the daily overdue check: the invoices a reminder would go out for."""
    await seed_demo(app)  # on the test's clock, like `pilothouse seed-demo` on the real one
    assert (await app.executor.call("invoicing_check_overdue", {}, caller="cli")).ok
    listed = await app.executor.call("invoicing_list", {"status": "overdue"}, caller="cli")
    assert listed.output is not None
    overdue: list[dict[str, Any]] = listed.output["items"]
    assert len(overdue) >= 2
    return overdue


async def _state(app: App) -> tuple[Any, ...]:
    """What a side effect would change: mail queued, invoice states and reminder stamps, events."""
    return (await app.store.fetchval("SELECT COUNT(*) FROM outbox"),
            tuple(tuple(r.values()) for r in await app.store.fetchall(
                "SELECT id, status, number, last_reminder_at FROM invoicing_invoices ORDER BY id")),
            await app.store.fetchval("SELECT COUNT(*) FROM events"))


async def test_an_approval_says_who_receives_what_and_approving_does_exactly_that(
        app: App, app_db: str | Path, mcp: McpHarness, capsys: pytest.CaptureFixture[str]) -> None:
    overdue = await _overdue(app)
    before = await _state(app)
    queued = await app.executor.call("invoicing_send_reminders", {}, caller="automation")  # the dunning flow
    assert queued.approval_id is not None and await _state(app) == before  # asking changed nothing

    customers = {i["customer_email"] for i in overdue}
    summary = (f"Email {len(customers)} customers about {len(overdue)} overdue invoices, "
               f"{total((i['balance_cents'], i['currency']) for i in overdue)} in total")
    code, out = await _cli(capsys, app_db, "approvals", "list")
    assert code == 0 and summary in out, out
    for invoice in overdue:  # one line per invoice, naming the record and its page
        assert f"{invoice['customer']} <{invoice['customer_email']}>" in out
        assert f"/cockpit/records/invoicing_invoices/{invoice['id']}" in out

    [note] = (await mcp.call("ops_list_notifications", unread_only=True))["items"]
    assert note["kind"] == "approval_requested" and summary in note["body"] and "Fernwood Bakery" in note["body"]
    cockpit = await mcp.call("ops_cockpit")
    [request] = cockpit["requests"]
    assert request["preview"]["summary"] == summary
    assert {ln["record"]["id"] for ln in request["preview"]["lines"]} == {i["id"] for i in overdue}

    decided = await review.approve(app, queued.approval_id)  # what `approvals approve` runs, on the test's clock
    assert decided.ran is not None and decided.ran.status == "executed", decided.ran
    sent = {r["recipient"] for r in await app.store.fetchall("SELECT recipient FROM outbox "
                                                             "WHERE purpose LIKE 'dunning:%'")}
    assert sent == customers  # the preview said who, and that is who got mail


async def test_a_dry_run_shows_the_consequence_changes_nothing_and_is_recorded(
        app: App, app_db: str | Path, mcp: McpHarness, capsys: pytest.CaptureFixture[str]) -> None:
    await _overdue(app)
    draft = await app.store.fetchone("SELECT id, customer FROM invoicing_invoices WHERE status = 'draft'")
    assert draft is not None
    before = await _state(app)

    shown = await mcp.call("execute_skill", name="invoicing_send_invoice", arguments={"invoice_id": draft["id"]},
                           dry_run=True)
    assert shown["summary"].startswith("Email invoice INV-") and draft["customer"] in shown["summary"]
    assert shown["lines"][0]["record"] == {"table": "invoicing_invoices", "id": draft["id"],
                                           "label": f"draft invoice #{draft['id']}"}
    code, out = await _cli(capsys, app_db, "call", "invoicing_send_reminders", "--dry-run")
    assert code == 0 and out.startswith("Email 2 customers about 2 overdue invoices")
    assert out.rstrip().endswith("(dry run: nothing was done)")

    assert await _state(app) == before  # no mail, no number, no event, no stamp
    rows = await app.store.fetchall("SELECT caller, skill, status, outcome FROM activity WHERE outcome = 'dry_run' "
                                    "ORDER BY id")
    assert [(r["caller"], r["skill"]) for r in rows] == [("mcp", "invoicing_send_invoice"),
                                                         ("cli", "invoicing_send_reminders")]
    refused = await mcp.error("execute_skill", name="invoicing_send_invoice", arguments={}, dry_run=True)
    assert "invoice_id" in refused  # a dry run validates like the call


async def test_a_skill_without_a_preview_shows_the_records_its_arguments_name(
        app: App, app_db: str | Path, capsys: pytest.CaptureFixture[str]) -> None:
    await seed_demo(app)
    contract = await app.store.fetchone("SELECT id, title, party FROM contracts WHERE status = 'active' "
                                        "ORDER BY id LIMIT 1")
    assert contract is not None
    queued = await app.executor.call("contracts_terminate", {"contract_id": contract["id"]}, caller="automation")
    assert queued.approval_id is not None
    code, out = await _cli(capsys, app_db, "approvals", "list")
    assert code == 0
    assert f"{app.registry.skills['contracts_terminate'].title}: contract id {contract['id']}" in out, out
    assert f"contract {contract['title']} ({contract['party']}, active)" in out
    assert f"/cockpit/records/contracts/{contract['id']}" in out


async def test_a_preview_cannot_write(app: App) -> None:
    async def sneaky(ctx: SkillContext, email: str) -> Preview:
        await ctx.db.execute("INSERT INTO crm_leads (email, source, status, score, created_at, updated_at) "
                             "VALUES (?, 'x', 'new', 0, 'now', 'now')", (email,))
        return Preview(summary="wrote a lead")

    @skill(title="Sneaky", instructions="A test skill whose preview writes.", preview=sneaky)
    async def noop(ctx: SkillContext, email: str) -> Preview:
        """Do nothing.

        Args:
            email: An address.
        """
        return Preview(summary="-")

    shown = await previews.compute(app.store, app.clock, definition_of(noop), {"email": "x@example.com"})
    assert shown.summary == "Sneaky: email x@example.com" and "preview failed" in (shown.note or "")
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 0
    assert json.loads(previews.stored(shown))["summary"] == shown.summary
