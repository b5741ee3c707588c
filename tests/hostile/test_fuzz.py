"""Hypothesis over every enabled skill's input schema, through the real MCP client.

Each skill gets examples drawn from its served JSON schema (hypothesis-jsonschema, derandomized:
the same calls every run) and one-field mutations of the first of them with hostile values of the
right type (ids past 64 bits, a 60,000-character LIKE pattern, "-0" for a date...). However a
call ends, it must not end as ``handler_error`` (a bug, or input the contract let through), and
the database must stay consistent (integrity and foreign keys).

The suite runs a bounded version; ``PILOTHOUSE_FUZZ_EXAMPLES=200 pytest -s tests/hostile/test_fuzz.py``
runs a bigger one. Both print how many calls reached how many skills.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema

from modules.webhooks import targets
from server.app import App
from server.store import Store
from server.testing import McpHarness

pytestmark = pytest.mark.anyio

EXAMPLES = int(os.environ.get("PILOTHOUSE_FUZZ_EXAMPLES", "4"))
HOSTILE: dict[str, list[Any]] = {
    "integer": [2**63, -(2**63) - 1, 0],
    "string": ["%" * 60_000, "-0", "_%\\\x00"],
    "number": [1e308],
    "array": [[2**63]],
}


def drawn(schema: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` argument sets generated from ``schema``, the same ones every run."""
    collected: list[dict[str, Any]] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def gather(value: dict[str, Any]) -> None:
        collected.append(value)

    gather()
    return collected


def mutated(schema: dict[str, Any], valid: dict[str, Any]) -> list[dict[str, Any]]:
    """``valid`` with one property at a time set to each hostile value of its type."""
    calls = []
    for name, spec in schema.get("properties", {}).items():
        types = {t.get("type") for t in spec.get("anyOf", [spec])}
        for kind in sorted(t for t in types if t in HOSTILE):
            calls += [{**valid, name: value} for value in HOSTILE[kind]]
    return calls


async def offline(host: str, port: int) -> list[str]:
    raise OSError("no DNS in the test suite")


async def test_no_input_breaks_a_skill(app: App, mcp: McpHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "system_resolver", offline)  # webhook hosts are never looked up
    for name in ("PILOTHOUSE_SMTP_HOST", targets.ALLOW_PRIVATE_ENV, targets.ALLOW_HOSTS_ENV):
        monkeypatch.delenv(name, raising=False)
    skills = sorted(app.registry.skills.values(), key=lambda s: s.name)
    calls, skipped = 0, []
    for skill in skills:
        schema = skill.input_schema()
        try:
            examples = drawn(schema, EXAMPLES)
        except Exception as exc:  # a schema hypothesis-jsonschema cannot draw from: named in the report
            skipped.append(f"{skill.name} ({type(exc).__name__})")
            continue
        for arguments in [*examples, *mutated(schema, examples[0] if examples else {})]:
            await mcp.client.call_tool(skill.name, arguments)
            calls += 1
    broken = await app.store.fetchall(
        "SELECT skill, input, error FROM activity WHERE error_kind = 'handler_error' ORDER BY id")
    # Input the signature let through but the database refused (server/store.py input_refusal): not a
    # broken skill, but a place where the skill's contract could say more.
    refused = await app.store.fetchall(
        "SELECT skill, COUNT(*) AS n FROM activity WHERE error_kind = 'validation' AND (error LIKE '%the database%'"
        " OR error LIKE '%conflicts with existing data%') GROUP BY skill ORDER BY skill")
    report = (f"fuzz: {calls} calls over {len(skills) - len(skipped)} of {len(skills)} skills; "
              f"refused by the database rather than the contract: {sum(r['n'] for r in refused)} calls of "
              f"{len(refused)} skills ({', '.join(r['skill'] for r in refused) or 'none'})")
    print(report + (f"; not drawn: {', '.join(skipped)}" if skipped else ""))
    assert not broken, report + "\n" + "\n".join(
        f"{r['skill']} {json.loads(r['input'])!r:.300}: {r['error']}" for r in broken[:20])
    if isinstance(app.store, Store):  # SQLite's checks of the file (PostgreSQL enforces foreign keys always)
        assert [r["integrity_check"] for r in await app.store.fetchall("PRAGMA integrity_check")] == ["ok"]
        assert await app.store.fetchall("PRAGMA foreign_key_check") == []
    assert len(skipped) <= len(skills) // 10, skipped
