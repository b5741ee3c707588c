"""MCP prompts: the workflows operators run (prompts/operator/*.md), with completion of their arguments.

Each file starts with a small header (between ``---`` lines): ``title:``, ``description:`` and
one ``argument: name | kind | required/optional | description`` line per argument. The body is
rendered by prompts/render.py's strict renderer, so a prompt never reaches a client with a raw
``{placeholder}`` in it. The kind drives ``completion/complete``:

    module                      enabled module ids this server offers
    skill                       skill names this server offers
    month                       the last twelve months, YYYY-MM, newest first
    choice:a,b,c                the listed values
    record:<skill>:<field>      values of ``field`` in the records a read-only list skill
                                finds for the typed text (its ``query`` argument), through the executor

Prompts are static for the life of the process, so list results carry the same cache hints as tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

from prompts.render import HERE, PromptError, render_text
from server.mcp.grouping import GROUPS

if TYPE_CHECKING:
    from server.app import App
    from server.manifest.offered import Selection

OPERATOR_DIR = HERE / "operator"
MAX_VALUES = 100  # the spec's cap on completion values
RECORD_LIMIT = 20


@dataclass(frozen=True)
class Argument:
    name: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class OperatorPrompt:
    name: str
    title: str
    description: str
    arguments: tuple[Argument, ...]
    body: str

    def to_mcp(self) -> types.Prompt:
        return types.Prompt(name=self.name, title=self.title, description=self.description, arguments=[
            types.PromptArgument(name=a.name, description=a.description, required=a.required)
            for a in self.arguments])

    def render(self, given: dict[str, str]) -> str:
        unknown = sorted(set(given) - {a.name for a in self.arguments})
        if unknown:
            raise MCPError(types.INVALID_PARAMS, f"prompt {self.name} has no argument {', '.join(unknown)}; "
                                                 f"its arguments are {_names(self.arguments)}")
        values: dict[str, str] = {}
        for arg in self.arguments:
            value = (given.get(arg.name) or "").strip()
            if not value and arg.required:
                raise MCPError(types.INVALID_PARAMS, f"prompt {self.name} needs `{arg.name}`: {arg.description}")
            values[arg.name] = value or _default(arg)
        return render_text(self.body, values, name=self.name)


def _default(arg: Argument) -> str:
    return {"module": "every module", "choice": "every " + arg.name}.get(arg.kind.split(":")[0], "everything")


def _names(arguments: tuple[Argument, ...]) -> str:
    return ", ".join(a.name for a in arguments) or "none"


def parse(path: Path) -> OperatorPrompt:
    """One prompt file; a malformed header is a bug in this repository, so it fails loudly."""
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        raise PromptError(f"{path.name}: start with a header between '---' lines (title, description, arguments)")
    fields: dict[str, str] = {}
    arguments: list[Argument] = []
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key == "argument":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) != 4 or parts[2] not in ("required", "optional"):
                raise PromptError(f"{path.name}: write 'argument: name | kind | required/optional | description'")
            arguments.append(Argument(parts[0], parts[1], parts[2] == "required", parts[3]))
        else:
            fields[key.strip()] = value.strip()
    if not fields.get("title") or not fields.get("description"):
        raise PromptError(f"{path.name}: the header needs a title and a description")
    prompt = OperatorPrompt(path.stem, fields["title"], fields["description"], tuple(arguments), body.strip() + "\n")
    render_text(prompt.body, {a.name: "x" for a in arguments}, name=path.stem)  # every placeholder is an argument
    return prompt


def load_all(folder: Path = OPERATOR_DIR) -> dict[str, OperatorPrompt]:
    return {p.stem: parse(p) for p in sorted(folder.glob("*.md"))}


class OperatorPrompts:
    """prompts/list, prompts/get and completion/complete for the operator prompts."""

    def __init__(self, app: App, prompts: dict[str, OperatorPrompt] | None = None) -> None:
        self.app = app
        self.prompts = load_all() if prompts is None else prompts

    def list_result(self) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[p.to_mcp().model_copy(update={"meta": self._groups(p)})
                                                for p in self.prompts.values()])

    def _groups(self, prompt: OperatorPrompt) -> dict[str, Any] | None:
        """The grouping extension's membership: the modules of the skills the prompt names."""
        skills = self.app.registry.skills
        named = re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", prompt.body)
        modules = {skills[w].module_id for w in named if w in skills}
        return {GROUPS: sorted(modules)} if modules else None

    def get(self, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        prompt = self._prompt(params.name)
        text = prompt.render(dict(params.arguments or {}))
        return types.GetPromptResult(description=prompt.description, messages=[
            types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))])

    def _prompt(self, name: str) -> OperatorPrompt:
        prompt = self.prompts.get(name)
        if prompt is None:
            raise MCPError(types.INVALID_PARAMS, f"unknown prompt {name!r}; the prompts are {', '.join(self.prompts)}",
                           data={"name": name})
        return prompt

    async def complete(self, params: types.CompleteRequestParams, offered: Selection) -> types.CompleteResult:
        """Values for a prompt argument; an unknown prompt or argument simply has none."""
        ref = params.ref
        prompt = self.prompts.get(ref.name) if isinstance(ref, types.PromptReference) else None
        arg = next((a for a in prompt.arguments if a.name == params.argument.name), None) if prompt else None
        typed = params.argument.value.strip()
        values = await self._values(arg.kind, typed, offered) if arg is not None else []
        matching = [v for v in values if v.lower().startswith(typed.lower())] or \
                   [v for v in values if typed.lower() in v.lower()]
        return types.CompleteResult(completion=types.Completion(
            values=matching[:MAX_VALUES], total=len(matching), has_more=len(matching) > MAX_VALUES))

    async def _values(self, kind: str, typed: str, offered: Selection) -> list[str]:
        from server.manifest.selection import enabled_skills

        head, _, rest = kind.partition(":")
        if head in ("module", "skill"):
            skills = [s for s in await enabled_skills(self.app) if offered.allows(s)]
            return sorted({s.module_id for s in skills}) if head == "module" else [s.name for s in skills]
        if head == "month":
            today = self.app.clock.now().date()
            return [_month_back(today, n) for n in range(12)]
        if head == "choice":
            return rest.split(",")
        if head == "record":
            return await self._records(*rest.split(":"), typed=typed, offered=offered)
        return []

    async def _records(self, skill_name: str, field: str, *, typed: str, offered: Selection) -> list[str]:
        skill = self.app.registry.skills.get(skill_name)
        if skill is None or not skill.hints.read_only or not offered.allows(skill):
            return []
        # The one call path: a disabled module or a paused skill simply completes nothing.
        result = await self.app.executor.call(skill_name, {"query": typed or None, "limit": RECORD_LIMIT},
                                              caller="mcp")
        items: list[Any] = (result.output or {}).get("items", []) if result.ok else []
        return [str(item[field]) for item in items if isinstance(item, dict) and item.get(field)]


def _month_back(today: date, months: int) -> str:
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
