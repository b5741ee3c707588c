"""Community packs installed the way pip leaves them (a package and its ``.dist-info`` with the entry
point), written straight into a site directory: a broken pack needs no build to be found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

# A pack that works: one skill, one every-minute automation, one table.
GOOD = '''
from pydantic import BaseModel
from skills import Automation, Migration, Module, SkillContext, skill


class Ticked(BaseModel):
    ticks: int


@skill(title="Tick", instructions="Counts one tick.")
async def tick(ctx: SkillContext) -> Ticked:
    """Count one tick."""
    await ctx.db.execute("INSERT INTO good_ticks (at) VALUES (?)", (ctx.now_iso(),))
    return Ticked(ticks=await ctx.db.fetchval("SELECT COUNT(*) FROM good_ticks"))


module = Module(id="good", name="Good pack", description="Ticks every minute.", category="operations",
                version="1.0", skills=(tick,), migrations=(Migration(1, "CREATE TABLE good_ticks (at TEXT)"),),
                automations=(Automation(name="Every minute", trigger="cron", config={"schedule": "* * * * *"},
                                        skill="good_tick"),))
'''


def broken_with(declaration: str) -> str:
    """A pack whose one skill is fine and whose declaration is ``declaration`` (a ``Module(...)``)."""
    return dedent('''
        from pydantic import BaseModel
        from skills import Automation, Module, SkillContext, skill


        class Out(BaseModel):
            n: int


        @skill(title="Report", instructions="Reports.")
        async def report(ctx: SkillContext) -> Out:
            """Report."""
            return Out(n=0)


        ''') + declaration


def write_pack(site: Path, name: str, code: str) -> Path:
    """Install pack ``name`` (entry point ``name``, package ``pilothouse_<name>_pack``) into ``site``."""
    package = f"pilothouse_{name}_pack"
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text(dedent(code))
    dist = site / f"{package}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pilothouse-{name}-pack\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[pilothouse.modules]\n{name} = {package}:module\n")
    return site


def pilothouse(site: Path | None, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process, with ``site`` (the packs) on its path."""
    path = [str(site)] if site is not None else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "server.cli.main", "--db", str(db), *args],
                          env=env, capture_output=True, text=True, timeout=180)
