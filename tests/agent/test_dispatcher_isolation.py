"""The dispatcher isolates a bad automation row: it skips it, reports it once, and runs every row after it.

A row can be bad although declarations are checked (skills/automation.py): it was stored before the
check existed, or edited by hand. The issue's story: an invalid cron line crashed the dispatcher at that
row every minute, so an every-minute automation after it ran 0 times in 4 ticks, and health said healthy.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from modules.crm import module as crm
from server.health.report import build_report
from server.testing.instance import open_instance
from skills import Automation, Migration, Module, Record, SkillContext, skill
from tests.server.packs import pilothouse

pytestmark = pytest.mark.anyio


class Ticks(Record):
    ticks: int


@skill(title="Tick", instructions="Counts one tick.")
async def tick(ctx: SkillContext) -> Ticks:
    """Count one tick."""
    await ctx.db.execute("INSERT INTO ticker_ticks (at) VALUES (?)", (ctx.now_iso(),))
    return Ticks(ticks=int(await ctx.db.fetchval("SELECT COUNT(*) FROM ticker_ticks")))


TICKER = Module(id="ticker", name="Ticker", description="Ticks every minute.", category="operations", version="1",
                skills=(tick,), migrations=(Migration(1, "CREATE TABLE ticker_ticks (at TEXT)"),),
                automations=(Automation(name="Every minute", trigger="cron", config={"schedule": "* * * * *"},
                                        skill="ticker_tick"),))


async def test_a_bad_cron_row_is_skipped_and_reported_and_the_rows_after_it_run(tmp_path: Path) -> None:
    db = tmp_path / "instance.db"
    async with open_instance(crm, TICKER, db=db, mail=False) as house:
        # crm's row comes before the ticker's; its cron line is broken by hand, as an old database could hold it.
        bad = await house.app.store.fetchval("SELECT id FROM automations WHERE module_id = 'crm'")
        await house.app.store.execute("UPDATE automations SET config = ? WHERE id = ?",
                                      (json.dumps({"schedule": "every monday"}), bad))
        start = house.clock.now()
        runs = [await house.run_due(at=start + timedelta(minutes=n)) for n in range(1, 5)]
        assert [due.ran("Every minute") for due in runs] == [True] * 4
        assert await house.app.store.fetchval("SELECT COUNT(*) FROM ticker_ticks") == 4
        assert all("invalid cron expression 'every monday'" in " ".join(due.problems) for due in runs)

        status = await house.app.store.fetchval("SELECT last_status FROM automations WHERE id = ?", (bad,))
        assert status.startswith(f"error: automation #{bad} 'Qualify new leads' (crm) cannot run: invalid cron")
        assert f"pilothouse automations disable {bad}" in status
        recorded = await house.app.store.fetchval(
            "SELECT COUNT(*) FROM activity WHERE caller = 'automation' AND status = 'error' AND skill = ?",
            ("crm_qualify_leads",))
        assert recorded == 1  # reported once, not every minute
        report = await build_report(house.app)
        assert report.status == "degraded"
        assert [f.kind for f in report.findings if "every monday" in f.message] == ["broken_automation"]

    # The CLI shows the row and runs the rest: no CroniterBadCronError traceback.
    listed = pilothouse(None, db, "automations", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = [r for r in json.loads(listed.stdout) if r["id"] == bad]
    assert row["next_run"].startswith("never: invalid cron expression 'every monday'")
    ran = pilothouse(None, db, "automations", "run-due", "--json")
    assert ran.returncode == 0, ran.stderr
    assert "every monday" in json.loads(ran.stdout)["errors"][0]
