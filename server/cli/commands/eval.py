"""``pilothouse eval``: the proving ground (``evals/``) against a scripted model or your own providers.

    pilothouse eval                                  the reference script of every task (CI: proves the harness)
    pilothouse eval --model adversarial --tasks hostile   a model that obeys what the data says
    pilothouse eval --model provider --k 3           the configured providers, 3 attempts per task
    pilothouse eval --list                           the tasks, with their requests
    pilothouse eval --file my-tasks.toml             your own tasks, in the format of evals/task.py

Each attempt runs on its own copy of a seeded instance, so ``--db`` is not used. Exit 1 when an
invariant was violated, or when a scripted reference run failed a task (the suite is broken).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from server.cli.commands.common import add_json_flag
from server.cli.output import CliError, emit_json, line, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("eval", help="run the proving ground's business tasks against a model and score them")
    parser.add_argument("--model", default="reference", choices=["reference", "adversarial", "provider"],
                        help="reference / adversarial (scripted, offline) or provider (your configured AI providers)")
    parser.add_argument("--k", type=int, default=1, help="attempts per task, for pass^k (default 1)")
    parser.add_argument("--tasks", nargs="*", default=[], metavar="PATTERN",
                        help="task ids (wildcards: 'invoicing/*'), kinds (hostile, lookup...) or modules")
    parser.add_argument("--file", type=Path, action="append", metavar="TASKS.toml",
                        help="run the tasks of this file instead of the shipped suite (repeatable)")
    parser.add_argument("--provider", help="try this provider first (openai, gemini, ollama, local)")
    parser.add_argument("--timeout", type=float, default=300.0, help="wall clock of one attempt, s (default 300)")
    parser.add_argument("--out", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--list", action="store_true", help="list the tasks and exit")
    add_json_flag(parser)
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    from evals import task as tasks
    from evals.runner import EvalError, run_suite

    try:
        chosen = tasks.select(tasks.load(args.file), args.tasks)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot load the tasks: {exc}") from exc
    if not chosen:
        raise CliError(f"no task matches {' '.join(args.tasks)}; `pilothouse eval --list` lists them")
    if args.list:
        rows = [{"task": t.id, "kind": t.kind, "modules": t.modules,
                 "request": t.ask or (f"heartbeat: {t.objective.goal}" if t.objective else "heartbeat, no objective")}
                for t in chosen]
        if args.json:
            emit_json(rows)
        for row in [] if args.json else rows:  # requests in full: the table would cut them
            line(f"{row['task']:<42} {row['kind']:<10} {row['request']}")
        return 0
    def progress(text: str) -> None:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    try:
        summary = await run_suite(chosen, args.model, args.k, preferred=args.provider, timeout_s=args.timeout,
                                  progress=None if args.quiet else progress)
    except EvalError as exc:
        raise CliError(str(exc)) from exc
    report = summary.as_json()
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    if args.json:
        emit_json(report)
    else:
        rows = summary.rows()
        table(rows, list(rows[0]))
        failures = [(t.task.id, i, a) for t in summary.tasks for i, a in enumerate(t.attempts, 1) if not a.success]
        if failures:
            line()
            line("why each failure failed:")
        for task_id, number, failed in failures:
            line(f"  {task_id} #{number}: {failed.reason}: {failed.detail[:300]}")
        line()
        for text in summary.lines():
            line(text)
    broken = args.model == "reference" and any(not a.success for a in summary.attempts)
    return 1 if report["overall"]["invariant_violations"] or broken else 0
