from __future__ import annotations

import argparse

from server.cli.commands.common import instance
from server.cli.output import emit_json, line

EXIT = {"healthy": 0, "degraded": 1, "unhealthy": 2}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("health", help="instance health and drift; exits 0/1/2 for healthy/degraded/unhealthy")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=report)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    baseline = actions.add_parser("baseline", help="manage the expected skill baseline")
    baseline_actions = baseline.add_subparsers(dest="baseline_action", required=True, metavar="ACTION")
    p = baseline_actions.add_parser("set", help="accept the current enabled skills as the baseline")
    p.set_defaults(handler=set_baseline)
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
    line(f"skills: {result.version.skill_count} enabled, hash {result.version.skills_hash[:16]}…, baseline "
         f"{(result.version.baseline_hash or 'not set')[:16]}")
    if result.heartbeat.last_run:
        line(f"heartbeat: last run {result.heartbeat.last_run} ({result.heartbeat.age_minutes} min ago)")
    for finding in result.findings:
        line(f"  [{finding.severity}] {finding.message}")
    return EXIT[result.status]


async def set_baseline(args: argparse.Namespace) -> int:
    from server.health.baseline import set_baseline as store_baseline

    async with instance(args) as app:
        saved = await store_baseline(app)
    line(f"baseline set: {saved['skill_count']} skills, hash {saved['hash'][:16]}…")
    return 0
