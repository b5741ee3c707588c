from __future__ import annotations

import argparse

import anyio

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import emit_json, line, table

EXIT = {"healthy": 0, "degraded": 1, "unhealthy": 2}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("health", help="instance health and drift; exits 0/1/2 for healthy/degraded/unhealthy")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=report)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    baseline = actions.add_parser("baseline", help="manage the expected skill baseline")
    baseline_actions = baseline.add_subparsers(dest="baseline_action", required=True, metavar="ACTION")
    p = baseline_actions.add_parser("set", help="accept what this instance serves now (skills, documents)")
    p.set_defaults(handler=set_baseline)
    p = baseline_actions.add_parser("export", help="write this instance's state as a baseline file (JSON)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=export_baseline)
    p = baseline_actions.add_parser("import", help="install a baseline file exported from another instance "
                                    "(or set PILOTHOUSE_BASELINE=FILE)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=import_baseline)
    p = baseline_actions.add_parser("builtin", help="print the baseline shipped for the built-in modules; "
                                    "--write regenerates server/health/builtin_baseline.json")
    p.add_argument("--write", action="store_true", help="regenerate the shipped file instead of printing it")
    p.set_defaults(handler=builtin_baseline)
    p = actions.add_parser("history", help="the last self-checks: status, score, hash, findings")
    p.add_argument("--limit", type=int, default=20, help="how many self-checks to show, newest first (default 20)")
    add_json_flag(p)
    p.set_defaults(handler=history)
    p = actions.add_parser("check", help="run the self-check now (stores it, opens self-heal objectives)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=self_check)


async def report(args: argparse.Namespace) -> int:
    from server.health.report import build_report

    async with instance(args) as app:
        result = await build_report(app)
    return _print(result, args.json)


async def self_check(args: argparse.Namespace) -> int:
    from server.health.selfcheck import run_self_check

    async with instance(args) as app:
        result = await run_self_check(app)
    return _print(result, args.json)


def _print(result, as_json: bool) -> int:  # type: ignore[no-untyped-def]
    if as_json:
        emit_json(result.model_dump(mode="json"))
        return EXIT[result.status]
    line(f"status: {result.status}   integrity {result.integrity.score:.0%} "
         f"({result.integrity.checks_passed}/{result.integrity.checks_run} checks)   agent "
         f"{'on' if result.agent_enabled else 'off'}")
    line(f"skills: {result.version.skill_count} served, hash {result.version.skills_hash[:16]}…, baseline "
         f"{(result.version.baseline_hash or 'not set')[:16]} ({result.version.baseline_source or 'none'})")
    if result.heartbeat.last_run:
        line(f"heartbeat: last run {result.heartbeat.last_run} ({result.heartbeat.age_minutes} min ago)")
    for finding in result.findings:
        line(f"  [{finding.severity}] {finding.message}")
        for consequence in finding.also:
            line(f"      also: {consequence}")
        if finding.action:
            line(f"      what to do: {finding.action}")
    for loosened in result.skills.trust_loosened:
        line(f"  [trust] looser than its default: {loosened}")
    for suggestion in result.skills.trust_suggestions:
        line(f"  [trust ladder] {suggestion}")
    return EXIT[result.status]


async def set_baseline(args: argparse.Namespace) -> int:
    from server.health.baseline import set_baseline as store_baseline

    async with instance(args) as app:
        saved = await store_baseline(app)
    line(f"baseline set: {saved['skill_count']} skills, hash {saved['hash'][:16]}…")
    return 0


async def export_baseline(args: argparse.Namespace) -> int:
    from pathlib import Path

    from server.health.baseline import current_state

    async with instance(args) as app:
        state, _ = await current_state(app, source=f"exported from {Path(app.store.path).name}")
    await anyio.Path(args.file).write_text(state.model_dump_json(indent=1) + "\n", encoding="utf-8")
    count = sum(len(m.skills) for m in state.modules.values())
    line(f"wrote {args.file}: {len(state.modules)} modules, {count} skills, {len(state.documents)} documents, "
         f"hash {state.skills_hash[:16]}…")
    return 0


async def import_baseline(args: argparse.Namespace) -> int:
    from server.health.baseline import import_file

    async with instance(args) as app:
        baseline = await import_file(app, args.file)
    count = sum(len(m.skills) for m in baseline.modules.values())
    line(f"baseline imported from {args.file}: {len(baseline.modules)} modules, {count} skills, hash "
         f"{baseline.skills_hash[:16]}…; `pilothouse health` now names every difference from it")
    return 0


async def builtin_baseline(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from server.assembly import open_app
    from server.health.baseline import BUILTIN_PATH, render_release

    # A scratch database: the baseline is made from the code alone, never from an instance's state.
    with tempfile.TemporaryDirectory() as scratch:
        async with open_app(Path(scratch) / "release.db") as app:
            text = render_release(app.registry)
    if args.write:
        await anyio.Path(BUILTIN_PATH).write_text(text, encoding="utf-8")
        line(f"wrote {BUILTIN_PATH}")
    else:
        line(text.rstrip("\n"))
    return 0


async def history(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from server.health.selfcheck import history as checks_made

    async with instance(args) as app:
        rows = await checks_made(app, args.limit)
    if args.json:
        emit_json([asdict(r) for r in rows])
        return 0
    if not rows:
        line("no self-checks yet: they run every 6 hours with the agent on, or now with `pilothouse health check`")
        return 0
    table([{**asdict(r), "skills_hash": r.skills_hash[:16], "kinds": ", ".join(r.kinds),
            "restored": ", ".join(d.split(" ")[0] for d in r.restored)} for r in rows],
          ["checked_at", "status", "score", "findings", "skills_hash", "kinds", "restored"])
    return 0
