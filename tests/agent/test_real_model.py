"""The agent against a real local model (llama.cpp's llama-server, SmolLM2-135M), and the same suite
through Ollama's API shape with the scripted model.

The model is weak: these tests judge the runtime, not the model. Whatever the model answers, a
few ``ask`` requests and a heartbeat must end without a provider error caused by our requests,
within their token and time bounds, with no write done twice and no approve-level effect, and
with the server's prompt cache reused across requests.

The real-model test needs ``python3 server/testing/llama_build.py`` (once per machine, ~12 min):
without it, it is skipped with that reason, except in CI (``CI`` set), where it must run.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from server.agent.ask import ask
from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.agent.loop_record import RunRecord
from server.app import App
from server.cli.main import main
from server.demo import seed_demo
from server.tables import runs
from server.testing import llama_build
from server.testing.fake_model import Call, FakeModelServer, Reply
from server.testing.llama_server import LlamaServer
from tests.agent.test_ask_cli import PROVIDER_VARS

pytestmark = pytest.mark.anyio

ASKS = ("How many leads are open right now?", "Create a lead for grace@example.com who came from a referral.",
        "Which invoices are overdue?")
WALL_CLOCK_S = 300.0
ITERATIONS = 2  # model calls per run: enough to see a tool result go back, few enough for a CPU model
OK_STOPS = {"answer", "no_reply", "max_iterations", "ungrounded", "loop_detected", "token_budget", "wall_clock"}


@pytest.fixture(scope="session")
def llama() -> Iterator[LlamaServer]:
    if os.environ.get("PILOTHOUSE_TEST_DB") == "postgresql":
        pytest.skip("the real-model suite judges the loop against a real model server, which the store does not "
                    "change: it runs in the SQLite pass")
    found = llama_build.artifacts()
    missing = found.missing()
    if missing:
        reason = ("the real-model suite needs llama-server and the SmolLM2 weights (missing " + "; ".join(missing)
                  + "); build them once with: python3 server/testing/llama_build.py")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with LlamaServer(found) as server:
        yield server


@pytest.fixture
def no_env_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROVIDER_VARS, "LOCAL_AI_API_KEY", "PILOTHOUSE_SECRETS_FILE"):
        monkeypatch.delenv(name, raising=False)
    # A CPU model on a busy machine may need minutes for a fresh prompt: the machine's speed is not what
    # is judged here, so a slow answer must not count as a provider failure.
    monkeypatch.setenv("PILOTHOUSE_AI_TIMEOUT_S", str(WALL_CLOCK_S))
    monkeypatch.setenv("PILOTHOUSE_AI_PROBE_TIMEOUT_S", "10")


async def providers_set(app_db: str | Path, *args: str) -> None:
    """`pilothouse providers set ...`, the one command a person runs to point every process at a server."""
    code = await anyio.to_thread.run_sync(main, ["--db", str(app_db), "providers", "set", *args])
    assert code == 0


async def heartbeat(app: App) -> RunRecord:
    await app.modules.configure("pilot", {"max_iterations": ITERATIONS, "wall_clock_s": WALL_CLOCK_S})
    created = await app.executor.call("pilot_create_objective", {
        "goal": "Publish a blog post about the spring sale", "success_criteria": "one post published",
        "priority": 1}, caller="cli")
    assert created.ok, created.message
    cycle = await run_cycle(app, requested_by="cli")
    assert cycle.run_id, cycle.reason
    row = await runs.run_state(app.store, cycle.run_id)
    assert row is not None
    return RunRecord.from_dict(json.loads(row["state"])["record"])


async def check_runtime(app: App, records: list[RunRecord]) -> None:
    """What must hold whatever the model said."""
    for record in records:
        assert record.stop_reason in OK_STOPS, (record.stop_reason, record.error)
        for it in record.iterations:
            assert all(a["status"] == "ok" for a in it.attempts), it.attempts  # no refused request, no 5xx
            assert 0 < it.max_tokens <= 1024 and it.completion_tokens <= it.max_tokens
            assert it.prompt_tokens + it.max_tokens <= it.window
        writes = Counter((c.skill, json.dumps(c.arguments, sort_keys=True)) for c in record.tool_calls
                         if c.ok and c.error_kind != "duplicate" and not _reads(app, c.skill))
        assert all(n == 1 for n in writes.values()), writes  # no write done twice in a run
    # No approve-level skill ran for the agent: it can only have been queued.
    approve = [n for n, s in app.registry.skills.items() if s.trust == "approve"]
    ran = await app.store.fetchval(
        f"SELECT COUNT(*) FROM activity WHERE caller = 'pilot' AND status = 'ok' AND skill IN "
        f"({','.join('?' * len(approve))})", tuple(approve))
    assert ran == 0


def _reads(app: App, name: str) -> bool:
    skill = app.registry.skills.get(name)
    return skill is None or skill.hints.read_only  # meta-tools and read-only skills


@pytest.mark.real_model
async def test_asks_and_a_heartbeat_against_llama_server(
    app: App, app_db: str | Path, llama: LlamaServer, no_env_providers: None
) -> None:
    await seed_demo(app)
    await enable_agent(app)
    await providers_set(app_db, "local", "--url", llama.base_url)
    records = [await ask(app, request, max_iterations=ITERATIONS, wall_clock_s=WALL_CLOCK_S) for request in ASKS]
    records.append(await heartbeat(app))
    await check_runtime(app, records)
    answered = [len(r.iterations) for r in records]
    assert all(answered), (f"the model server answered no request of some runs within {WALL_CLOCK_S:g} s "
                           f"(model calls per run: {answered}): this machine is too busy to judge the runtime")
    assert {i.window for r in records for i in r.iterations} == {llama.context}  # llama.cpp's /props
    assert {t for r in records for t in r.tiers} == {"drop"}  # an 8k model: the drop tier, within 1,000 tokens
    # The prompt prefix (system prompt, meta-tools) is reused by the server across requests.
    assert all(r.iterations[0].cached_tokens > 0 for r in records[1:]), [r.cached_tokens for r in records]


async def test_the_same_suite_through_ollamas_api_with_the_scripted_model(
    app: App, monkeypatch: pytest.MonkeyPatch, no_env_providers: None
) -> None:
    await seed_demo(app)
    await enable_agent(app)
    grace = {"email": "grace@example.com", "source": "referral"}
    async with FakeModelServer("ollama", models=("smollm2:135m",), context_window=8192) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        ollama.script(
            Reply(tool_calls=[Call("crm_list_leads", {"status": "new", "limit": "all"})]),  # a wrong value
            Reply(tool_calls=[Call("crm_list_leads", {"status": "new"})]), Reply("There are open leads."),
            Reply(tool_calls=[Call("crm_create_lead", grace), Call("crm_create_lead", grace)]),  # the same write twice
            Reply("Created the lead."),
            Reply("Invoices 3 and 4 are overdue."),  # figures nothing read: sent back once
            Reply(tool_calls=[Call("invoicing_list", {"status": "overdue"})]), Reply("See the list."),
            Reply(tool_calls=[Call("blog_create_post", {"title": "Spring sale", "body": "Everything 20% off."})]),
            Reply("Drafted the post."),
        )
        records = [await ask(app, request, max_iterations=3, wall_clock_s=WALL_CLOCK_S) for request in ASKS]
        records.append(await heartbeat(app))
    await check_runtime(app, records)
    assert [r.stop_reason for r in records] == ["answer"] * 4, [(r.stop_reason, r.error) for r in records]
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads WHERE email = 'grace@example.com'") == 1
    for request in ollama.requests:
        assert request.body["options"]["num_predict"] <= 512 and request.body["options"]["num_ctx"] == 8192
