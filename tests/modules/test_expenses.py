from __future__ import annotations

import pytest

from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_claim_lifecycle_and_monthly_totals(mcp: McpHarness) -> None:
    taxi = await mcp.call("expenses_submit", person="ada", category="travel", amount_cents=4_250,
                          spent_on="2026-10-28", description="Taxi to the trade fair", receipt="r-001.pdf")
    lunch = await mcp.call("expenses_submit", person="ada", category="meals", amount_cents=1_800,
                           spent_on="2026-10-28", description="Lunch with Northwind")
    licence = await mcp.call("expenses_submit", person="bob", category="software", amount_cents=9_900,
                             spent_on="2026-10-02", description="Design tool licence")
    assert "in the future" in await mcp.error("expenses_submit", person="ada", category="meals", amount_cents=100,
                                              spent_on="2026-12-01", description="Dinner")
    assert "it must be approved" in await mcp.error("expenses_decide", confirm=True, expense_id=taxi["id"],
                                                    action="reimburse")
    assert "say why" in await mcp.error("expenses_decide", confirm=True, expense_id=lunch["id"], action="reject")
    await mcp.call("expenses_decide", confirm=True, expense_id=lunch["id"], action="reject",
                   note="Client lunches go to sales")
    await mcp.call("expenses_decide", confirm=True, expense_id=taxi["id"], action="approve")
    await mcp.call("expenses_decide", confirm=True, expense_id=licence["id"], action="approve")
    paid = await mcp.call("expenses_decide", confirm=True, expense_id=taxi["id"], action="reimburse")
    assert paid["status"] == "reimbursed"
    totals = await mcp.call("expenses_monthly_totals", month="2026-10")
    assert totals["by_category"] == {"software": 9_900, "travel": 4_250}
    assert (totals["total_cents"], totals["reimbursed_cents"]) == (14_150, 4_250)
    listed = await mcp.call("expenses_list", person="ada", status="rejected")
    assert [e["note"] for e in listed["items"]] == ["Client lunches go to sales"]
