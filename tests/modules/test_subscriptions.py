from __future__ import annotations

from datetime import date

import pytest

from modules.subscriptions.plans import period_after
from server.app import App
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


def test_periods_clamp_to_the_end_of_short_months() -> None:
    assert period_after(date(2026, 1, 31), "month") == date(2026, 2, 28)
    assert period_after(date(2026, 12, 15), "month") == date(2027, 1, 15)
    assert period_after(date(2028, 2, 29), "year") == date(2029, 2, 28)


async def test_mrr_counts_yearly_as_a_twelfth_and_skips_trials(mcp: McpHarness) -> None:
    pro = await mcp.call("subscriptions_create_plan", name="Pro", price_cents=4_900)
    annual = await mcp.call("subscriptions_create_plan", name="Annual", price_cents=48_000, interval="year")
    for i in range(3):
        await mcp.call("subscriptions_subscribe", plan_id=pro["id"], customer=f"C{i}",
                       customer_email=f"c{i}@example.com")
    await mcp.call("subscriptions_subscribe", plan_id=annual["id"], customer="Big Co", customer_email="ap@big.example")
    trial = await mcp.call("subscriptions_subscribe", plan_id=pro["id"], customer="Trial Co",
                           customer_email="t@example.com", trial_days=14)
    assert trial["status"] == "trialing"
    result = await mcp.call("subscriptions_mrr")
    assert {p["plan"]: p["mrr_cents"] for p in result["plans"]} == {"Annual": 4_000, "Pro": 14_700}
    assert (result["mrr_cents"], result["arr_cents"]) == (18_700, 224_400)
    assert "already exists" in await mcp.error("subscriptions_create_plan", name="Pro", price_cents=1)


async def test_renewals_draft_invoices_once_per_period(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    plan = await mcp.call("subscriptions_create_plan", name="Basic", price_cents=1_900)
    sub = await mcp.call("subscriptions_subscribe", plan_id=plan["id"], customer="Ada Ltd",
                         customer_email="ada@example.com", trial_days=7)
    assert (await mcp.call("subscriptions_run_renewals"))["renewed"] == []
    clock.advance(days=7)
    first = await mcp.call("subscriptions_run_renewals")
    assert first["renewed"] == [sub["id"]]
    assert (await mcp.call("subscriptions_run_renewals"))["renewed"] == []  # idempotent within the period
    invoice = await mcp.call("invoicing_render", invoice_id=first["invoices"][0])
    assert "Basic plan, 2026-11-09 to 2026-12-09" in invoice["markdown"] and "EUR 19.00" in invoice["markdown"]
    moved = await mcp.call("subscriptions_set_status", confirm=True, subscription_id=sub["id"], status="past_due")
    assert moved["status"] == "past_due"
    await mcp.call("subscriptions_set_status", confirm=True, subscription_id=sub["id"], status="cancelled")
    assert "none (final)" in await mcp.error("subscriptions_set_status", confirm=True, subscription_id=sub["id"],
                                             status="active")
