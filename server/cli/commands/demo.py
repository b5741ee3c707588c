from __future__ import annotations

import argparse

from server.cli.commands.common import instance
from server.cli.output import line
from server.demo import seed_demo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("seed-demo", help="fill enabled modules with realistic sample data (once per module)")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        seeded, skipped = await seed_demo(app)
    if seeded:
        line(f"seeded demo data in {len(seeded)} modules: {', '.join(seeded)}")
    if skipped:
        line(f"already seeded, left alone: {', '.join(skipped)}")
    if not seeded and not skipped:
        line("no enabled module has demo data")
    return 0
