"""What every command shares: opening the instance and translating runtime errors."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from server.app import App
from server.assembly import open_app
from server.cli.output import CliError
from server.errors import PilothouseError
from skills import ContractError


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


@asynccontextmanager
async def instance(args: argparse.Namespace) -> AsyncIterator[App]:
    try:
        async with open_app(args.db) as app:
            yield app
    except (PilothouseError, ContractError) as exc:
        raise CliError(str(exc)) from exc
