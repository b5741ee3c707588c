"""The tools the reasoning loop sends: the meta-tools plus the skills this run is about.

Sending the whole catalog cost ~22,000 tokens of tool definitions on every model call (177
tools, OpenAI format) whatever the task. Instead each request carries:

1. the four meta-tools (every enabled skill stays reachable: search_skills, describe_skill,
   execute_read_skill, execute_skill);
2. the skills this run already called, most recent first (so a run can go on with them);
3. the best matches of ``search`` for what the run is about (its ``focus``: the heartbeat's
   objectives; by default the user message, i.e. the person's question) and the model's
   latest words: the first ``TOP_FOUND``, then the skills the prompt names (the heartbeat
   protocol names the objective skills), then the other matches;
4. only when search finds fewer than ``MIN_SKILLS``: the tier's usage ranking (ranking.py),
   so a vague request still gets the skills this instance uses most.

At most ``MAX_SKILLS`` skills, and the whole list, meta-tools included, within
``TOOL_TOKEN_CAP`` tokens (``DROP_TOKEN_CAP`` in the drop tier), counted as sent. Skills are
rendered in the tier's format (render.py), so the budget tiers still degrade the list.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from server.manifest import ranking, render, selection
from server.manifest.fitting import fit_ranked
from server.manifest.meta_specs import EXECUTORS, SPECS
from server.manifest.search import search
from server.manifest.tiers import Tier
from server.tokens import TokenCounter, get_counter
from skills import Skill

if TYPE_CHECKING:
    from server.app import App

TOOL_TOKEN_CAP = 4_000
MAX_SKILLS = 16
TOP_FOUND = 8
MIN_SKILLS = 4
SEARCHED = 40


def focus_query(messages: list[dict[str, Any]], focus: str = "") -> str:
    """What the run is about: ``focus`` (else every user message), and the model's latest text."""
    users = [focus] if focus.strip() else [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
    said = next((str(m["content"]) for m in reversed(messages) if m.get("role") == "assistant" and m.get("content")),
                "")
    return "\n".join([*users, said])


def named_skills(messages: list[dict[str, Any]], known: dict[str, Skill]) -> list[str]:
    """Skill names written out in the system and user messages, in order of appearance."""
    text = " ".join(str(m.get("content") or "") for m in messages if m.get("role") in ("system", "user"))
    return list(dict.fromkeys(w for w in re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", text) if w in known))


def called_skills(messages: list[dict[str, Any]]) -> list[str]:
    """Skills the run has called, most recent first (execute_skill counts as the skill it ran)."""
    names: list[str] = []
    for message in reversed(messages):
        for call in reversed(message.get("tool_calls") or []):
            function = call.get("function") or {}
            name = str(function.get("name", ""))
            if name in EXECUTORS:
                try:
                    name = str(json.loads(function.get("arguments") or "{}").get("name", ""))
                except (ValueError, AttributeError):
                    continue
            if name and name not in names:
                names.append(name)
    return names


async def loop_tools(app: App, tier: Tier, messages: list[dict[str, Any]], focus: str = "") -> list[dict[str, Any]]:
    """OpenAI function definitions for one model call: meta-tools, then the focused skills by name."""
    counter = await get_counter()
    enabled = await selection.enabled_skills(app)
    by_name = {s.name: s for s in enabled}
    chosen: list[Skill] = []

    def offer(candidates: list[Skill]) -> None:
        for skill in candidates:
            if skill not in chosen and len(chosen) < MAX_SKILLS:
                chosen.append(skill)

    found = [s for s, _ in search(enabled, focus_query(messages, focus), SEARCHED)]
    offer([by_name[n] for n in called_skills(messages) if n in by_name])
    offer(found[:TOP_FOUND])  # the best matches before the prompt's names, so those never crowd them out
    offer([by_name[n] for n in named_skills(messages, by_name)])
    offer(found)
    if len(chosen) < MIN_SKILLS:
        ranked = await ranking.ranked_skills(app.store, enabled, list(app.registry.modules), app.clock.now())
        offer(ranked[: MIN_SKILLS - len(chosen)])
    cap = selection.DROP_TOKEN_CAP if tier == "drop" else TOOL_TOKEN_CAP
    return fit(chosen, tier, counter, cap)


def fit(ranked: list[Skill], tier: Tier, counter: TokenCounter, cap: int) -> list[dict[str, Any]]:
    """The meta-tools and the best-ranked skills whose definitions stay within ``cap`` tokens, by name."""
    def sent(kept: list[Skill]) -> list[dict[str, Any]]:
        specs = sorted((render.skill_spec(s) for s in kept), key=lambda s: s.name)
        return [render.openai_function(s, tier) for s in (*SPECS, *specs)]

    chosen = fit_ranked(ranked, cost=lambda s: _tokens(counter, render.skill_spec(s), tier),
                        base=sum(_tokens(counter, spec, tier) for spec in SPECS), cap=cap,
                        measure=lambda kept: counter.count_json(sent(kept)))
    return sent(chosen)


@lru_cache(maxsize=8192)
def _tokens(counter: TokenCounter, spec: render.ToolSpec, tier: Tier) -> int:
    return counter.count_json(render.openai_function(spec, tier)) + 1  # the comma between tools
