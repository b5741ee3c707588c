"""Malformed calls are validation errors: they never reach a handler as an exception, never count
toward the breaker, and so never make the next person's normal call answer circuit_broken."""

from __future__ import annotations

import pytest
from pydantic import Field, create_model

from server.app import App
from server.tables import activity
from server.testing import McpHarness
from skills.contract import StrictInput, _clean_schema

pytestmark = pytest.mark.anyio


async def kinds(app: App, skill: str) -> list[str]:
    return [r["error_kind"] for r in reversed(await activity.recent(app.store, skill=skill))]


async def test_an_id_past_64_bits_is_refused_and_never_opens_the_breaker(app: App, mcp: McpHarness) -> None:
    lead = await mcp.call("crm_create_lead", email="ada@acme.io")
    for _ in range(4):
        assert "64-bit integer" in await mcp.error("crm_get_lead", lead_id=2**63)
    assert "an id (1 or more)" in await mcp.error("crm_get_lead", lead_id=0)
    assert (await mcp.call("crm_get_lead", lead_id=lead["id"]))["email"] == "ada@acme.io"
    assert await kinds(app, "crm_get_lead") == ["validation"] * 5 + [None]
    message = await mcp.error("crm_set_lead_status", lead_id=-(2**63) - 1, status="qualified")
    assert "lead_id" in message and "64-bit integer" in message


async def test_search_text_is_literal_and_bounded(app: App, mcp: McpHarness) -> None:
    await mcp.call("crm_create_lead", email="percent@acme.io", name="Ada 100% Lovelace")
    await mcp.call("crm_create_lead", email="plain@acme.io", name="Grace Hopper")
    for _ in range(3):
        assert "search for at most 1,000" in await mcp.error("crm_list_leads", query="%" * 60_000)
    found = await mcp.call("crm_list_leads", query="%")
    assert [lead["email"] for lead in found["items"]] == ["percent@acme.io"]  # % is not a wildcard
    assert (await mcp.call("crm_list_leads", query="_"))["total"] == 0
    assert set(await kinds(app, "crm_list_leads")) == {"validation", None}


async def test_a_date_must_be_a_date(mcp: McpHarness) -> None:
    claim = dict(person="Ada", category="travel", amount_cents=1200, description="Train to Lyon")
    for bad in ("-0", "0", 0, "1700000000"):
        message = await mcp.error("expenses_submit", **claim, spent_on=bad)
        assert "spent_on" in message and "YYYY-MM-DD" in message
    assert (await mcp.call("expenses_submit", **claim, spent_on="2025-12-30"))["spent_on"] == "2025-12-30"
    # A real date, but one the report's own arithmetic (29 days before it) cannot go below.
    assert "between the years 1000 and 8999" in await mcp.error("orders_sales_summary", date_to="0001-01-02")


async def test_free_text_has_a_default_maximum(mcp: McpHarness) -> None:
    message = await mcp.error("crm_create_lead", email="long@acme.io", notes="x" * 100_001)
    assert "notes" in message and "at most 100,000" in message


async def test_the_default_bounds_leave_every_served_schema_as_written(app: App) -> None:
    """The bounds are checks, not schema: tools/list costs the same tokens, authors' constraints are kept."""
    for skill in app.registry.skills.values():
        fields = {name: (hint, Field(default, description=text)) for name, (hint, default, text) in
                  skill.inputs.fields.items()}
        plain = create_model("Plain", __base__=StrictInput, **fields)  # type: ignore[call-overload]
        assert skill.input_schema() == _clean_schema(plain.model_json_schema()), skill.name
