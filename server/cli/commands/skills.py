from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.cli.schema_text import parameter_lines, returns_text
from server.resilience import escalation
from server.resilience.evaluation import flagged_skills
from server.tables import skill_state

if TYPE_CHECKING:
    from server.app import App
    from skills import Skill


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("skills", help="list, show and resume skills")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="the skill catalog with trust, hints and state")
    p.add_argument("--module", help="only this module's skills")
    p.add_argument("--all", action="store_true", help="include skills of disabled modules")
    add_json_flag(p)
    p.set_defaults(handler=list_skills)
    p = actions.add_parser("show", help="one skill: description, instructions, schema, state")
    p.add_argument("name")
    add_json_flag(p)
    p.set_defaults(handler=show)
    p = actions.add_parser("docs", help="print the generated catalog (docs/skills.md); --write updates the file")
    p.add_argument("--write", action="store_true", help="write docs/skills.md instead of printing it")
    p.set_defaults(handler=docs)
    p = actions.add_parser("resume", help="resume a paused skill and reset its breaker")
    p.add_argument("name")
    p.set_defaults(handler=resume)
    p = actions.add_parser("trust", help="set a skill's trust on this instance: auto|notify|approve (or --default)")
    add_trust_arguments(p, "name")
    p.set_defaults(handler=trust)


def add_trust_arguments(p: argparse.ArgumentParser, target: str) -> None:
    """LEVEL or --default, shared by `skills trust` and `modules trust`."""
    p.add_argument(target)
    p.add_argument("level", nargs="?", choices=["auto", "notify", "approve"])
    p.add_argument("--default", action="store_true", help="back to the default level")


def _hints(skill: Skill) -> str:
    h = skill.hints
    marks = [("read_only", h.read_only), ("destructive", h.destructive), ("idempotent", h.idempotent),
             ("open_world", h.open_world)]
    return ",".join(name for name, on in marks if on) or "-"


async def catalog(app: App, include_disabled: bool = False, module: str | None = None) -> list[dict[str, Any]]:
    """One row per skill: what `skills list` prints and docs/skills.md is made from."""
    from server.trust.policy import standings

    rows = await skill_state.catalog_state(app.store)
    trust = {s.skill: s for s in await standings(app, only_enabled=False)}
    flagged = {f.skill for f in await flagged_skills(app.store, app.clock.now())}
    result = []
    for skill in sorted(app.registry.skills.values(), key=lambda s: (s.module_id, s.name)):
        row = rows.get(skill.name, {})
        enabled = bool(row.get("enabled")) and bool(row.get("module_enabled"))
        if module and skill.module_id != module:
            continue
        if not include_disabled and not row.get("module_enabled"):
            continue
        standing = trust.get(skill.name)
        level = standing.trust if standing else skill.trust
        result.append({
            "module": skill.module_id, "name": skill.name, "title": skill.title,
            "trust": level, "default_trust": skill.trust,
            "reviews": f"{standing.approved}/{standing.rejected}" if standing and (
                standing.approved or standing.rejected) else "",
            "suggestion": standing.suggestion if standing else None,
            "hints": _hints(skill), "effects": ",".join(str(e) for e in skill.effects) or "-",
            "enabled": enabled, "paused": row.get("paused_reason"),
            "breaker": row.get("breaker") or "closed", "flagged": skill.name in flagged,
            "category": skill.category, "scope": skill.scope, "description": skill.description,
            "has_instructions": bool(skill.instructions.strip()),
        })
    return result


async def list_skills(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        rows = await catalog(app, include_disabled=args.all, module=args.module)
    if args.json:
        emit_json(rows)
    else:
        shown = [{**r, "trust": r["trust"] if r["trust"] == r["default_trust"]
                  else f"{r['trust']} (default {r['default_trust']})"} for r in rows]
        table(shown, ["module", "name", "title", "trust", "reviews", "hints", "effects", "enabled", "paused",
                     "breaker", "flagged"])
        line(f"\n{len(rows)} skills in {len({r['module'] for r in rows})} modules"
             "   (reviews: the agent's requests a person approved/rejected)")
        for row in rows:
            if row["suggestion"]:
                line(f"trust ladder: {row['suggestion']}")
    return 0


async def show(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        skill = app.registry.skills.get(args.name)
        if skill is None:
            raise CliError(f"unknown skill {args.name!r}; `pilothouse skills list` shows the catalog")
        state = await skill_state.skill_state_row(app.store, skill.name)
    data = {
        "name": skill.name, "module": skill.module_id, "title": skill.title, "description": skill.description,
        "instructions": skill.instructions, "category": skill.category, "scope": skill.scope, "trust": skill.trust,
        "hints": _hints(skill), "effects": [str(e) for e in skill.effects], "timeout_s": skill.timeout_s,
        "preferred_provider": skill.preferred_provider,
        "input_schema": skill.input_schema(), "output_schema": skill.output_schema(), "state": state,
    }
    if args.json:
        emit_json(data)
        return 0
    effects = f", effects {', '.join(str(e) for e in skill.effects)}" if skill.effects else ""
    line(f"{skill.title} ({skill.name}) - module {skill.module_id}, trust {skill.trust}, "
         f"hints {data['hints']}{effects}")
    line()
    line(skill.description)
    line()
    line(skill.instructions)
    line("\nParameters:")
    for text in parameter_lines(skill.input_schema()):
        line(text)
    line(f"\nReturns: {returns_text(skill.output_schema())}")
    line(f"Call it: pilothouse call {skill.name} --args '{{...}}'   (the whole schema: --json)")
    if state and state.get("paused_reason"):
        line(f"\nPAUSED: {state['paused_reason']}")
    return 0


async def resume(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        if args.name not in app.registry.skills:
            raise CliError(f"unknown skill {args.name!r}")
        async with app.store.transaction() as tx:
            resumed = await escalation.resume(tx, args.name, app.clock.now())
    line(f"{args.name}: {'resumed' if resumed else 'was not paused; breaker reset'}")
    return 0


def trust_level(args: argparse.Namespace) -> str | None:
    if args.default == (args.level is not None):
        raise CliError("give a level (auto, notify or approve) or --default, not both")
    return None if args.default else str(args.level)


async def trust(args: argparse.Namespace) -> int:
    from server.trust.policy import set_skill_trust

    level = trust_level(args)
    async with instance(args) as app:
        change = await set_skill_trust(app, args.name, level, who="cli")
    line(f"{change.skill}: trust {change.before} -> {change.after}" if change.before != change.after
         else f"{change.skill}: trust already {change.after}")
    return 0


def docs(args: argparse.Namespace) -> int:
    from modules import BUILTIN_MODULES
    from server.skill_docs import DOCS_PATH, render_markdown

    text = render_markdown(list(BUILTIN_MODULES))
    if args.write:
        DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOCS_PATH.write_text(text)
        line(f"wrote {DOCS_PATH}")
    else:
        line(text)
    return 0
