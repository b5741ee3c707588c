from __future__ import annotations

import argparse

from server.cli.output import line
from server.version import VERSION


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("version", help="print the version")
    parser.set_defaults(handler=lambda args: line(f"pilothouse {VERSION}"))
