"""Trust follows the effect, not the skill's name: the same effect has the same trust by any route.

Skills declare the effects they can have (``@skill(effects=...)``); the gate applies the strictest
trust among the skills sharing an effect. The known routes around a gate: ``orders_cancel_unpaid``
(auto) cancelled what ``orders_cancel`` (approve) would have asked about, and ``email_send`` (notify)
mailed a customer what ``invoicing_send_invoice`` (approve) would have asked about.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from server.app import App
from server.cli.main import main
from server.mcp.tools import EFFECTS_META
from server.scheduler.automations import dispatch
from server.testing import FakeClock, McpHarness, Person, connect
from server.trust import gate, policy
from skills import Skill
from skills.effects import EFFECTS

pytestmark = pytest.mark.anyio

ERAS = pytest.mark.parametrize("era", ["legacy", "auto"], ids=["2025-11-25", "2026-07-28"])


def having(skill: Skill, effect: str) -> dict[str, Any]:
    """Arguments under which ``skill`` has ``effect`` (its condition met), as the gate reads them."""
    declared = next(e for e in skill.effects if e.name == effect)
    return {param: values[0] for param, values in declared.when}


def sharing_pairs(app: App) -> list[tuple[str, Skill, Skill]]:
    skills = sorted(app.registry.skills.values(), key=lambda s: s.name)
    return [(effect, a, b) for effect in EFFECTS
            for a, b in itertools.combinations([s for s in skills if effect in {e.name for e in s.effects}], 2)]


async def test_every_pair_of_skills_sharing_an_effect_gates_alike(app: App) -> None:
    pairs = sharing_pairs(app)
    assert len(pairs) >= 40 and {effect for effect, _, _ in pairs} == set(EFFECTS)
    levels = {s.skill: s.trust for s in await policy.standings(app, only_enabled=False)}
    catalog = list(app.registry.skills.values())
    different = []
    for effect, a, b in pairs:
        for caller in ("pilot", "mcp", "cli"):
            ruled = [await gate.rule(app.store, catalog, s, having(s, effect), caller, None, levels[s.name])
                     for s in (a, b)]
            # A people-only decision is asked (or refused) whatever its level; the rest by the level.
            if (ruled[0].action, ruled[0].level) != (ruled[1].action, ruled[1].level):
                different.append(f"{effect}: {a.name} {ruled[0].action}/{ruled[0].level} vs {b.name} "
                                 f"{ruled[1].action}/{ruled[1].level} for {caller}")
    assert not different, "\n".join(different)


async def test_the_owner_moves_an_effect_by_moving_every_skill_that_has_it(app: App) -> None:
    catalog = list(app.registry.skills.values())
    skills = app.registry.skills

    async def agent_action(name: str) -> str:
        levels = {s.skill: s.trust for s in await policy.standings(app, only_enabled=False)}
        return (await gate.rule(app.store, catalog, skills[name], {}, "pilot", None, levels[name])).action

    # Loosening one cancelling skill does not loosen cancelling: the others still ask.
    await policy.set_skill_trust(app, "orders_cancel", "auto", who="cli")
    assert await agent_action("orders_cancel") == "queue"
    # Tightening one publishing skill tightens publishing, on every route.
    assert await agent_action("pages_publish") == "go"
    await policy.set_skill_trust(app, "blog_publish_post", "approve", who="cli")
    assert await agent_action("pages_publish") == "queue"
    assert await agent_action("blog_publish_due") == "queue"


async def stale_order(app: App, clock: FakeClock) -> int:
    made = await app.executor.call("products_create", {"sku": "MUG-1", "name": "Mug", "price_cents": 1200,
                                                       "initial_stock": 5}, caller="cli")
    placed = await app.executor.call("orders_place", {"customer": "Li Wei", "customer_email": "li@kestrel.example",
                                                      "lines": [{"sku": "MUG-1", "quantity": 1}]}, caller="cli")
    assert made.ok and placed.ok and placed.output is not None, placed.message
    clock.advance(days=10)  # past the 7 unpaid days: the nightly sweep would cancel it
    return int(placed.output["id"])


async def order_status(app: App, order_id: int) -> str:
    return str(await app.store.fetchval("SELECT status FROM orders WHERE id = ?", (order_id,)))


@ERAS
async def test_cancelling_an_order_asks_the_same_whichever_skill_is_used(app: App, clock: FakeClock,
                                                                          era: str) -> None:
    order_id = await stale_order(app, clock)
    # The agent: both routes wait for a person.
    direct = await app.executor.call("orders_cancel", {"order_id": order_id, "reason": "stale"}, caller="pilot")
    sweep = await app.executor.call("orders_cancel_unpaid", {}, caller="pilot")
    assert direct.error_kind == sweep.error_kind == "approval_required"
    assert "like orders_cancel" in sweep.message or "orders_cancel" in sweep.message
    assert await order_status(app, order_id) == "pending"
    # A chat client without forms: the lower-trust route needs the same yes as the direct one.
    async with connect(app, era) as mcp:
        refused = await mcp.error("orders_cancel_unpaid")
    assert refused.startswith("confirmation_required: orders_cancel_unpaid")
    assert "has the effect 'cancellation', like orders_cancel" in refused
    # With the form, the person is asked, and told why.
    person = Person()
    async with connect(app, era, person) as mcp:
        swept = await mcp.call("orders_cancel_unpaid")
    assert len(swept["cancelled"]) == 1 and await order_status(app, order_id) == "cancelled"
    [question] = person.asked
    why = "Why you are asked: orders_cancel_unpaid has the effect 'cancellation', like orders_cancel"
    assert why in question.message


async def test_the_nightly_sweep_the_owner_configured_still_runs(app: App, clock: FakeClock) -> None:
    """A platform automation runs the arguments the module and owner set: no model chose the route."""
    order_id = await stale_order(app, clock)  # now 09:00
    await dispatch(app, agent_on=False)  # arms the cron automations
    clock.advance(hours=18, minutes=31)  # 03:31 the next night
    report = await dispatch(app, agent_on=False)
    assert ("orders_cancel_unpaid", True) in [(skill, ok) for _, skill, ok in report.fired]
    assert await order_status(app, order_id) == "cancelled"


@ERAS
async def test_mailing_a_customer_asks_the_same_as_sending_an_invoice(app: App, era: str) -> None:
    mail = {"to": "ap@northwind.example", "subject": "Your invoice", "body": "Please pay 500 EUR by Friday."}
    by_agent = await app.executor.call("email_send", mail, caller="pilot")
    assert by_agent.error_kind == "approval_required" and by_agent.approval_id
    assert "has the effect 'message', like invoicing_" in by_agent.message  # a stricter skill with that effect
    async with connect(app, era) as mcp:
        refused = await mcp.error("email_send", **mail)
        assert refused.startswith("confirmation_required: email_send")
        sent = await mcp.client.call_tool("email_send", {**mail, "confirm": True})  # the documented fallback
    assert not sent.is_error
    rows = await app.store.fetchall("SELECT recipient FROM outbox WHERE purpose LIKE 'email_send:%'")
    assert rows == [{"recipient": "ap@northwind.example"}]  # one, the person's (the agent's still waits)


@ERAS
async def test_effects_show_in_the_manifest_hints_and_describe_skill(app: App, era: str) -> None:
    async with connect(app, era) as mcp:
        tools = {t.name: t for t in (await mcp.client.list_tools(cache_mode="refresh")).tools}
        described = await mcp.call("describe_skill", name="orders_cancel_unpaid")
    def effects(name: str) -> Any:
        return (tools[name].meta or {}).get(EFFECTS_META)

    assert effects("orders_cancel_unpaid") == ["cancellation"] and effects("email_send") == ["message"]
    assert effects("subscriptions_set_status") == ["cancellation (when status=cancelled)"]
    assert effects("crm_list_leads") is None
    assert described["effects"] == ["cancellation"]


async def test_effects_show_in_skills_list(app: App, app_db: str | Path, capsys: pytest.CaptureFixture[str]) -> None:
    def cli(*args: str) -> tuple[int, str]:
        code = main(["--db", str(app_db), *args])
        return code, capsys.readouterr().out

    code, listed = await anyio.to_thread.run_sync(lambda: cli("skills", "list", "--json"))
    rows = {r["name"]: r for r in json.loads(listed)}
    assert code == 0
    assert rows["orders_cancel_unpaid"]["effects"] == rows["orders_cancel"]["effects"] == "cancellation"
    assert rows["invoicing_send_invoice"]["effects"] == "message,money"
    code, table = await anyio.to_thread.run_sync(lambda: cli("skills", "list", "--module", "orders"))
    assert "EFFECTS" in table and "cancellation" in table


async def test_effects_show_in_the_cockpit_beside_the_request(app: App, mcp: McpHarness) -> None:
    queued = await app.executor.call("orders_cancel_unpaid", {}, caller="pilot")
    assert queued.approval_id
    from server.agent.bootstrap import enable_agent
    from server.cockpit import render
    from server.cockpit.data import gather

    await enable_agent(app)
    html = render.panels(await gather(app), "csrf")
    row = html[html.index(f'data-request="{queued.approval_id}"'):]
    assert '<small class="effects">cancellation</small>' in row[: row.index("</tr>")]
