"""The built-in catalog: every skill documented, tested through MCP, and listed in docs/skills.md."""

from __future__ import annotations

import re
from pathlib import Path

from modules import BUILTIN_MODULES
from server.skill_docs import DOCS_PATH, render_markdown

TESTS = Path(__file__).parent
SKILLS = [s for m in BUILTIN_MODULES for s in m.skills]


def test_every_skill_is_exercised_by_a_test() -> None:
    # A skill counts as tested when a test file under tests/ names it in a call through the MCP
    # harness (mcp.call / mcp.error / call_tool). Add a test when this fails.
    sources = "\n".join(p.read_text() for p in TESTS.rglob("test_*.py"))
    called = set(re.findall(r"""(?:call|error|call_tool)\(\s*["']([a-z][a-z0-9_]+)["']""", sources))
    untested = sorted(s.name for s in SKILLS if s.name not in called)
    assert not untested, f"{len(untested)} skills have no test through the MCP client: {untested}"


def test_every_skill_has_a_description_and_instructions() -> None:
    thin = [s.name for s in SKILLS if len(s.description) < 15 or len(s.instructions) < 30]
    assert not thin, f"skills with too little to go on for a model or a person: {thin}"


def test_hints_are_consistent() -> None:
    both = [s.name for s in SKILLS if s.hints.read_only and s.hints.destructive]
    assert not both, f"read-only skills cannot be destructive: {both}"


def test_docs_catalog_is_current() -> None:
    assert DOCS_PATH.read_text() == render_markdown(list(BUILTIN_MODULES)), (
        "docs/skills.md is stale: run `pilothouse skills docs --write` and commit it"
    )
