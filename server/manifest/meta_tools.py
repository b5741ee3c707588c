"""The four meta-tools that keep every skill in reach whatever the tier (beyond the seed).

search_skills finds a skill by intent, describe_skill gives its full contract, execute_read_skill
(skills that change nothing; it refuses any other) and execute_skill (any skill) run it through the
same executor, with the same validation against the skill's own schema and the same errors as a
direct call: the model's provider checks only the executor's schema. They
are listed first in every manifest, over MCP and in the reasoning loop alike, and no skill may
take their names (the registry refuses it).

In the full tier they carry guidance and parameter descriptions; compact and drop render them
by the same rules as skills (first sentence, minimal schema), so each stays ~30 tokens there.
"""

from __future__ import annotations

import difflib
import json
from typing import Any, Literal

from server import idempotency
from server.app import App
from server.confirmation import Confirmer
from server.executor import Caller, CallResult
from server.manifest import render, selection
from server.manifest.meta_specs import DESCRIBE, EXECUTE, EXECUTE_READ, EXECUTORS, MAX_LIMIT, NAMES, SEARCH, SPECS
from server.manifest.offered import Selection
from server.manifest.search import search
from server.manifest.tiers import Tier
from server.resilience.loop_guard import LoopGuard
from skills import ErrorKind, Skill


def _fail(name: str, message: str, kind: ErrorKind = ErrorKind.VALIDATION) -> CallResult:
    return CallResult(name, False, error_kind=kind, message=message, outcome="neutral")


class MetaTools:
    """Definitions and calls of the meta-tools for one instance; used by MCP and the reasoning loop."""

    def __init__(self, app: App, offered: Selection | None = None) -> None:
        self.app = app
        self.offered = offered or Selection()  # serve's --read-only/--modules/--exclude-skills, or a connection's

    async def _enabled(self) -> list[Skill]:
        return [s for s in await selection.enabled_skills(self.app) if self.offered.allows(s)]

    @staticmethod
    def definitions(fmt: Literal["mcp", "openai"], tier: Tier = "full") -> list[Any]:
        if fmt == "mcp":
            return [render.mcp_tool(spec, tier) for spec in SPECS]
        return [render.openai_function(spec, tier) for spec in SPECS]

    async def call(
        self, name: str, arguments: Any, *, caller: Caller, run_id: str | None = None,
        guard: LoopGuard | None = None, confirm: Confirmer | None = None, who: str | None = None,
        idempotency_key: str | None = None,
    ) -> CallResult:
        """``idempotency_key``: the caller's key for an ``execute_skill`` (server/idempotency.py); one in
        its arguments counts too."""
        if not isinstance(arguments, dict):
            return _fail(name, f"{name} takes its arguments as one JSON object, got {json.dumps(arguments)[:60]}")
        if name in EXECUTORS:
            return await self._execute(name, arguments, caller=caller, run_id=run_id, guard=guard, confirm=confirm,
                                       who=who, key=arguments.get("idempotency_key", idempotency_key))
        if guard is not None:  # the same search or description asked 3 times in a row is a loop too
            guard.check(name, arguments)
            guard.record(name, arguments)
        if name == SEARCH:
            return await self._search(arguments)
        if name == DESCRIBE:
            return await self._describe(arguments)
        return _fail(name, f"{name} is not a meta-tool; they are {', '.join(NAMES)}", ErrorKind.UNKNOWN_SKILL)

    async def _search(self, arguments: dict[str, Any]) -> CallResult:
        query, limit = arguments.get("query"), arguments.get("limit", 10)
        if not isinstance(query, str) or not query.strip():
            return _fail(SEARCH, "search_skills needs a `query`: a few words about the task, e.g. 'overdue invoices'")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            return _fail(SEARCH, f"`limit` must be an integer from 1 to {MAX_LIMIT} (default 10), got {limit!r}")
        unknown = sorted(set(arguments) - {"query", "limit"})
        if unknown:
            return _fail(SEARCH, f"search_skills takes only `query` and `limit`, not {unknown}")
        hits = [{"name": s.name, "title": s.title, "description": render.truncate(s.description), "score": score}
                for s, score in search(await self._enabled(), query, limit)]
        hint = "" if hits else "no enabled skill matches; try other words, or fewer"
        return CallResult(SEARCH, True, output={"query": query, "results": hits, **({"hint": hint} if hint else {})})

    async def _describe(self, arguments: dict[str, Any]) -> CallResult:
        target = arguments.get("name")
        if not isinstance(target, str) or not target.strip():
            return _fail(DESCRIBE, "describe_skill needs `name`: a skill's exact name (search_skills finds names)")
        enabled = [s.name for s in await self._enabled()]
        skill = self.app.registry.skills.get(target)
        if skill is not None and not self.offered.allows(skill):
            return _fail(DESCRIBE, self.offered.why_not(skill), ErrorKind.SKILL_DISABLED)
        if skill is not None and target not in enabled:
            return _fail(DESCRIBE, f"{target} exists but is not enabled on this instance (module "
                                   f"'{skill.module_id}'): {self.app.registry.enable_command(skill.module_id)}",
                         ErrorKind.SKILL_DISABLED)
        if skill is None:
            close = difflib.get_close_matches(target, enabled, n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else " Use search_skills to find one."
            return _fail(DESCRIBE, f"no enabled skill named {target!r}.{hint}", ErrorKind.UNKNOWN_SKILL)
        return CallResult(DESCRIBE, True, output={
            "name": skill.name, "title": skill.title, "module": skill.module_id, "description": skill.description,
            "instructions": skill.instructions, "trust": skill.trust, "scope": skill.scope,
            "hints": {"read_only": skill.hints.read_only, "destructive": skill.hints.destructive,
                      "idempotent": skill.hints.idempotent, "open_world": skill.hints.open_world},
            "effects": [str(e) for e in skill.effects],
            "input_schema": skill.input_schema(), "output_schema": skill.output_schema(),
        })

    async def _execute(self, executor: str, arguments: dict[str, Any], *, caller: Caller, run_id: str | None,
                       guard: LoopGuard | None, confirm: Confirmer | None, who: str | None = None,
                       key: str | None = None) -> CallResult:
        target, inner, dry_run = arguments.get("name"), arguments.get("arguments", {}), arguments.get("dry_run", False)
        if not isinstance(dry_run, bool):
            return _fail(executor, f"`dry_run` is true (only say what the call would do) or false, not {dry_run!r}")
        if not isinstance(target, str) or not target.strip():
            return _fail(executor, f"{executor} needs `name`: the skill to run (search_skills finds names)")
        if inner is None:
            inner = {}
        if not isinstance(inner, dict):
            return _fail(executor, f"`arguments` must be a JSON object of the skill's arguments, "
                                   f"got {json.dumps(inner)[:60]}")
        if target in NAMES:
            return _fail(executor, f"{target} is a meta-tool; call it directly, not through {executor}")
        skill = self.app.registry.skills.get(target)
        if skill is not None and not self.offered.allows(skill):
            return _fail(executor, self.offered.why_not(skill), ErrorKind.SKILL_DISABLED)
        if executor == EXECUTE_READ and skill is not None and not skill.hints.read_only:
            return _fail(executor, f"{target} changes data and {EXECUTE_READ} runs only skills that change nothing; "
                                   f"run it with {EXECUTE} (your host may ask you first)", ErrorKind.VALIDATION)
        # The executor itself: validation, trust gate, breaker, loop guard and errors exactly as a direct call.
        if dry_run:  # nothing runs, so nothing to replay
            return await self.app.executor.call(target, inner, caller=caller, run_id=run_id, guard=guard,
                                                confirm=confirm, who=who, dry_run=True)
        return await idempotency.guarded(self.app, None if key is None else str(key), target, inner,
                                         lambda: self.app.executor.call(target, inner, caller=caller, run_id=run_id,
                                                                        guard=guard, confirm=confirm, who=who))
