"""The agent's documents checked for sense: what a bad update looks like, the documented edit path
that moves the baseline, and the self-check that puts a corrupted document back."""

from __future__ import annotations

import pytest

from prompts.render import load
from server.agent.bootstrap import enable_agent
from server.app import App
from server.health.baseline import set_baseline
from server.health.report import build_report
from server.health.selfcheck import run_self_check
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio

EDITED_SOUL = load("soul").strip() + "\n\n## Our house style\n\nWe answer in the customer's language, briefly."


async def corrupt(app: App, key: str, value: str) -> None:
    """A change that does not go through the documented path (a bad deploy, a script, a stray UPDATE)."""
    await app.store.execute("UPDATE memory SET value = ? WHERE key = ?", (value, key))


async def messages(app: App) -> list[str]:
    return [f.message for f in (await build_report(app)).findings if f.kind == "document_corrupted"]


async def test_a_bad_update_fails_the_sanity_checks(app: App) -> None:
    await enable_agent(app)
    assert await messages(app) == []
    await corrupt(app, "identity", load("identity") + "\nYou work for {company_name}.\n")
    await corrupt(app, "agents", load("agents").replace("Trust levels", "Levels"))
    found = await messages(app)
    assert found == ["the agent's identity document looks broken: template placeholders left unrendered: "
                     "{company_name}",
                     "the agent's agents document looks broken: required sections missing: 'trust levels'"]
    await corrupt(app, "soul", "")
    report = await build_report(app)
    assert "the agent's soul document is missing" in report.integrity.issues


async def test_a_sound_text_written_outside_the_documented_path_is_corruption(app: App) -> None:
    await enable_agent(app)
    await corrupt(app, "soul", EDITED_SOUL)
    report = await build_report(app)
    assert report.status == "degraded"
    [message] = await messages(app)
    assert message.startswith("the agent's soul document was changed outside the documented path (a person's "
                              "pilot_memory_set with edit_reserved=true): it differs from its last good version")
    checked = await run_self_check(app)
    assert checked.status == "healthy"
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'soul'") == load("soul")


async def test_an_edit_through_the_documented_path_moves_the_baseline(app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    edited = await mcp.call("pilot_memory_set", key="soul", value=EDITED_SOUL, category="core", edit_reserved=True)
    assert edited["value"] == EDITED_SOUL
    assert (await build_report(app)).status == "healthy"
    row = await app.store.fetchone("SELECT caller, status, input FROM activity WHERE skill = 'pilot_memory_set'")
    assert row is not None and (row["caller"], row["status"]) == ("mcp", "ok") and '"soul"' in row["input"]

    # Corrupted later: the self-check restores the person's edit, not the template.
    await corrupt(app, "soul", "x")
    assert (await run_self_check(app)).status == "healthy"
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'soul'") == EDITED_SOUL


async def test_the_documented_path_refuses_a_broken_document_and_the_kept_copies(app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    refused = await mcp.error("pilot_memory_set", key="soul", value="x", edit_reserved=True)
    assert "the soul document would be broken: only 1 characters" in refused
    assert "pilot_memory_get" in refused  # how to fix it
    kept = await mcp.error("pilot_memory_set", key="last_good:soul", value="anything", edit_reserved=True)
    assert "is the kept copy of a document" in kept
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'soul'") == load("soul")


async def test_a_broken_last_good_version_is_restored_from_the_template(app: App) -> None:
    await enable_agent(app)
    await corrupt(app, "last_good:agents", "stub")
    await corrupt(app, "agents", "stub")
    checked = await run_self_check(app)
    assert checked.status == "healthy"
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'agents'") == load("agents")


async def test_accepting_the_baseline_accepts_the_sound_documents(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    await corrupt(app, "soul", EDITED_SOUL)
    assert await messages(app)
    clock.advance(minutes=1)
    await set_baseline(app)  # `pilothouse health baseline set`: a person accepts what is there now
    assert await messages(app) == []


async def test_an_imported_baseline_names_a_document_but_does_not_overwrite_it(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    await corrupt(app, "soul", EDITED_SOUL)
    clock.advance(minutes=1)
    await set_baseline(app)
    from server.health.baseline import effective, install

    baseline = await effective(app)
    assert baseline is not None
    baseline.documents["soul"] = "0" * 64  # what dev expects is another soul
    clock.advance(minutes=1)
    baseline.set_at = clock.now().isoformat(timespec="seconds")
    await install(app, baseline)
    [message] = await messages(app)
    assert "it differs from the baseline" in message
    await run_self_check(app)
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'soul'") == EDITED_SOUL
    objective = await app.store.fetchval("SELECT kind FROM objectives WHERE kind = 'selfheal:document_corrupted'")
    assert objective == "selfheal:document_corrupted"


async def test_the_kept_copies_stay_out_of_the_agents_notes(app: App) -> None:
    from server.tables import memory

    await enable_agent(app)
    assert await memory.last_good(app.store, ("soul", "identity", "agents")) != {}
    notes = await memory.recent_notes(app.store, excluding=(), limit=50)
    assert not [n["key"] for n in notes if n["key"].startswith("last_good:")]
