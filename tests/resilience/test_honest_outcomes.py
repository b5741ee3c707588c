"""The seed's three failure stories (Pattern 2, "What this prevents"), reproduced through a community
pack installed like any other (tests/cascade_pack, pip-installed into its own directory and found by
its entry point) against real loopback receivers, and shown caught."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.assembly import open_app
from server.health.report import build_report
from server.resilience import backoff
from server.scheduler.automations import dispatch
from server.testing import FakeClock, http_receiver
from server.testing.fake_model import Call, FakeModelServer, Reply

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here listen on 127.0.0.1: the operator's switch for private webhook targets."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
PACK = Path(__file__).parents[1] / "cascade_pack"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("storm-site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(PACK)], check=True, capture_output=True, timeout=300)
    return target


@pytest.fixture
async def storm(site: Path, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[App]:
    monkeypatch.syspath_prepend(str(site))  # the pack is found through its entry point, as installed
    async with open_app(tmp_path / "storm.db", clock=clock, retry_delay_s=0) as app:
        assert "storm_relay" in app.registry.skills
        yield app


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")) as fake:
        fake.as_only_openai(monkeypatch)
        yield fake


async def _notifications(app: App, kind: str) -> list[dict[str, object]]:
    return await app.store.fetchall("SELECT title, repeats FROM notifications WHERE kind = ? ORDER BY id", (kind,))


async def test_silent_degradation_is_flagged_after_a_day_and_the_admin_told_once(storm: App,
                                                                                   clock: FakeClock) -> None:
    # Wrong credentials: the partner API answers 200 with no items. No exception, ever.
    async with http_receiver() as partner:
        url = f"{partner.url}/leads"
        for hour in range(0, 30, 6):  # five calls over 24 h
            result = await storm.executor.call("storm_import_leads", {"url": url}, caller="automation")
            assert result.ok and result.outcome == "no_effect"
            if hour < 24:
                clock.advance(hours=6)
        report = await build_report(storm)
        [finding] = [f for f in report.findings if f.kind == "silent_degradation"]
        assert "storm_import_leads" in finding.message and "5 calls over 24 h" in finding.message
        for _ in range(3):  # still nothing: flagged already, the admin is not told again
            clock.advance(hours=6)
            await storm.executor.call("storm_import_leads", {"url": url}, caller="automation")
        assert len(await _notifications(storm, "silent_degradation")) == 1
        assert report.status == "degraded"


async def test_a_403_receiver_scores_negative_and_three_times_over_pauses_the_skill(storm: App) -> None:
    async with http_receiver() as receiver:
        receiver.answers = [403] * 3
        for _ in range(3):
            result = await storm.executor.call("storm_push", {"url": f"{receiver.url}/in"}, caller="automation")
            assert not result.ok and result.error_kind == "http_403" and result.outcome == "negative"
        assert result.output == {"delivered": 0, "failed": 1}  # what the handler returned is kept
        paused = await storm.executor.call("storm_push", {"url": f"{receiver.url}/in"}, caller="automation")
    assert paused.error_kind == "skill_paused" and len(receiver.requests) == 3
    rows = await storm.store.fetchall("SELECT status, outcome FROM activity WHERE skill = 'storm_push' AND "
                                      "attempts = 1 ORDER BY id")
    assert rows == [{"status": "error", "outcome": "negative"}] * 3  # not "ok / success" any more
    assert len(await _notifications(storm, "skill_paused")) == 1


async def test_a_403_webhook_receiver_opens_its_endpoint_and_never_pauses_the_built_in_dispatch(
        storm: App, clock: FakeClock) -> None:
    """Issue 27 turned issue 15's rule for the dispatcher: a receiver's refusal is that receiver's outcome
    (its endpoint's circuit, its delivery's schedule), so one refusing endpoint cannot stop the others."""
    async with http_receiver() as receiver:
        await storm.executor.call("webhooks_create_endpoint", {"url": f"{receiver.url}/h", "events": ["*"]},
                                  caller="cli")
        await storm.executor.call("crm_create_lead", {"email": "x@acme.io"}, caller="cli")
        receiver.answers = [403] * 5
        runs = []
        for _ in range(3):
            runs.append(await storm.executor.call("webhooks_dispatch_events", caller="automation"))
            clock.advance(hours=1)  # the delivery is kept and retried on its schedule: the receiver may be fixed
        assert [(r.ok, r.error_kind) for r in runs] == [(True, None)] * 3
        assert [r.output["endpoints_failing"] for r in runs if r.output] == [[1]] * 3
        again = await storm.executor.call("webhooks_dispatch_events", caller="automation")
    assert again.ok and len(receiver.requests) == 4  # the fourth attempt went out: nothing paused the dispatcher


async def test_a_self_triggering_chain_stops_at_the_depth_limit(storm: App, clock: FakeClock) -> None:
    await storm.executor.call("storm_ping", caller="cli")
    runs = []
    for _ in range(7):  # seven simulated minutes: without a bound, 1 -> 3 -> 7 -> ... -> 127 runs
        report = await dispatch(storm, agent_on=False)
        runs.append(sum(1 for _, skill, _ in report.fired if skill == "storm_relay"))
        clock.advance(minutes=1)
    assert sum(runs) == 7  # depths 0, 1 and 2 ran (1 + 2 + 4); the 8 events at depth 3 were held back
    depths = await storm.store.fetchall("SELECT depth, COUNT(*) AS n, COUNT(DISTINCT COALESCE(root_id, id)) AS roots "
                                        "FROM events WHERE name = 'storm.ping' GROUP BY depth ORDER BY depth")
    assert [(d["depth"], d["n"], d["roots"]) for d in depths] == [(0, 1, 1), (1, 2, 1), (2, 4, 1), (3, 8, 1)]
    health = await build_report(storm)
    assert any(f.kind == "automation_held" and "Relay pings" in f.message for f in health.findings)
    listed = _cli(storm, "automations", "list", "--json")
    relay = next(a for a in listed if a["name"] == "Relay pings")
    assert relay["held"] == 8 and "depth limit" in str(relay["held_reason"])
    assert len(await _notifications(storm, "automation_held")) == 1


async def test_the_rate_limit_holds_and_the_waiting_events_run_the_next_hour(storm: App, clock: FakeClock) -> None:
    await storm.executor.call("storm_burst", {"count": 8}, caller="cli")
    await dispatch(storm, agent_on=False)
    await dispatch(storm, agent_on=False)
    assert await storm.store.fetchval("SELECT COUNT(*) FROM storm_notes") == 5  # declared: 5 runs an hour
    clock.advance(hours=1, minutes=1)
    await dispatch(storm, agent_on=False)
    assert await storm.store.fetchval("SELECT COUNT(*) FROM storm_notes") == 8  # nothing was dropped
    [held] = await _notifications(storm, "automation_held")
    assert held["repeats"] == 2  # two passes held events back within the hour: one notification, counted


async def test_a_heartbeat_whose_calls_all_fail_and_claims_success_extends_the_streak(
        storm: App, model: FakeModelServer) -> None:
    await enable_agent(storm)
    await storm.executor.call("pilot_create_objective", {"goal": "Notify every partner", "success_criteria":
                              "every partner notified"}, caller="cli")
    async with http_receiver() as receiver:
        receiver.answers = [403, 403]
        url = f"{receiver.url}/in"
        model.script(Reply(tool_calls=[Call("storm_push", {"url": url})]),
                     Reply(tool_calls=[Call("storm_push", {"url": url + "?again"})]),
                     Reply("All webhooks were dispatched successfully."))
        first = await run_cycle(storm)
        assert first.status == "failed" and "every skill call failed" in first.reason
        receiver.answers = []
        model.script(Reply(tool_calls=[Call("pilot_list_objectives", {})]),
                     Reply("All partners were notified successfully."))
        second = await run_cycle(storm)
    assert second.status == "failed" and second.reason.startswith("unsupported")
    assert await backoff.failure_streak(storm.store) == 2


async def test_a_retried_delivery_does_not_resend_what_was_sent(storm: App, clock: FakeClock) -> None:
    async with http_receiver() as receiver:
        await storm.executor.call("webhooks_create_endpoint", {"url": f"{receiver.url}/h", "events": ["lead.*"]},
                                  caller="cli")
        for n in range(2):
            await storm.executor.call("crm_create_lead", {"email": f"x{n}@acme.io"}, caller="cli")
        receiver.answers = [200, 500]
        first = await storm.executor.call("webhooks_dispatch_events", caller="automation")
        assert first.ok and first.outcome == "partial"
        clock.advance(minutes=2)
        second = await storm.executor.call("webhooks_dispatch_events", caller="automation")
    assert second.ok and second.outcome == "success"
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 3 and ids[0] not in ids[1:] and ids[1] == ids[2]  # only the failed one was sent again


def _cli(app: App, *args: str) -> list[dict[str, object]]:
    db = app.store.path
    out = subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args, ],
                         capture_output=True, text=True, timeout=120, env=_env())
    assert out.returncode == 0, out.stderr
    listed: list[dict[str, object]] = json.loads(out.stdout)
    return listed


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
