from __future__ import annotations

import argparse

from server.app import VERSION
from server.cli.output import line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("version", help="print the version")
    parser.set_defaults(handler=lambda args: line(f"pilothouse {VERSION}"))
