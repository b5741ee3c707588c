"""``pilothouse call SKILL --out FILE``: the file a skill returned (its output's ``file`` link), written out.

The bytes come from where the link points (an issued document: the business archive), the very
bytes an MCP client reads with ``resources/read``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from server.app import App
from server.cli.output import CliError
from server.mcp.files import read_file
from skills import SkillError
from skills.files import FIELD


async def write_file(app: App, output: dict[str, Any] | None, path: Path) -> None:
    link = (output or {}).get(FIELD)
    if not isinstance(link, dict) or "uri" not in link:
        raise CliError("this skill returns no file; --out is for skills like invoicing_pdf or business_document_get")
    try:
        _, data = await read_file(app, link["uri"])
    except SkillError as exc:
        raise CliError(str(exc)) from exc
    try:
        await asyncio.to_thread(path.write_bytes, data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from exc
