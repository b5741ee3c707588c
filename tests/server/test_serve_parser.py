"""`serve` is parsed by a parser that registers it alone (a host starts it every session): the same
command line must mean the same thing as with every command registered."""

from __future__ import annotations

import pytest

from server.cli.main import build_parser, named_command

LINES = [
    ["serve"],
    ["--db", "x.db", "serve", "--http", "--port", "9000"],
    ["--db=x.db", "-v", "serve", "--read-only", "--modules", "crm,invoicing"],
    ["serve", "--db", "y.db", "--tier", "drop", "--page-size", "20", "--exclude-skills", "crm_delete_lead"],
    ["-v", "serve", "--allowed-host", "mcp.example.com", "--allowed-origin", "https://a.example.com"],
]


@pytest.mark.parametrize("argv", LINES)
def test_serve_alone_parses_like_the_whole_command_line(argv: list[str]) -> None:
    assert named_command(argv) == "serve"
    alone, whole = build_parser("serve").parse_args(argv), build_parser().parse_args(argv)
    assert vars(alone) == vars(whole)


@pytest.mark.parametrize("argv", [["-h", "serve"], ["--d", "x.db", "serve"], ["skills", "list"], []])
def test_anything_else_gets_every_command(argv: list[str]) -> None:
    assert named_command(argv) != "serve"


def test_a_mistyped_command_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser(named_command(["serv"])).parse_args(["serv"])
    assert "'worker'" in capsys.readouterr().err
