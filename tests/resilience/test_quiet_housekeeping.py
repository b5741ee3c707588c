"""Issue 31, story 4: housekeeping that did nothing leaves no activity row, only a count.

The story: an idle instance wrote about 2,900 do-nothing activity rows a day (the outbox and
webhook dispatchers every minute, the publisher, the idle heartbeat...), so the owner's own
actions drowned in the feed. A run that did something (or failed) is still a row.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import scheduler_for
from server.cli.main import main
from server.confirmation import given
from server.delivery_loop import DeliveryLoop
from server.tables import activity
from server.testing import FakeClock, smtp_sink

pytestmark = pytest.mark.anyio
HOURS = 3


async def test_an_idle_instance_writes_counts_not_rows(app: App, app_db: str | Path, clock: FakeClock,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    await enable_agent(app)  # the heartbeat too: idle, no objective
    async with smtp_sink() as sink:
        await app.modules.configure("email", {"smtp_host": sink.host, "smtp_port": sink.port,
                                              "smtp_from": "shop@example.com"})
        scheduler = scheduler_for(app)
        mine = await app.executor.call("crm_create_lead", {"email": "ada@example.com"}, caller="cli")
        assert mine.ok
        for _ in range(HOURS * 60):
            clock.advance(minutes=1)
            await scheduler.tick()

        rows = await app.store.fetchall("SELECT caller, skill, outcome FROM activity WHERE caller IN "
                                        "('automation', 'system') AND outcome IN ('no_effect', 'neutral')")
        assert rows == [], f"{len(rows)} do-nothing rows, e.g. {rows[:3]}"
        day = clock.now().date().isoformat()
        counted = {r["skill"]: r["calls"] for r in await activity.daily(app.store, day)}
        assert counted["blog_publish_due"] >= HOURS * 12 - 1 and counted["support_check_sla"] >= HOURS * 4 - 1
        assert await app.store.fetchval("SELECT COUNT(*) FROM heartbeats WHERE status = 'idle'") >= HOURS * 2 - 1
        assert await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'heartbeat'") == 0

        # A run that does something is still a row, and the owner's own action is still in the feed.
        queued = await app.executor.call("email_send", {"to": "bo@example.com", "subject": "Hi", "body": "Hello"},
                                         caller="cli", confirm=given("cli"))
        assert queued.ok
        await DeliveryLoop(app).deliver()  # what every process's delivery loop does when mail is due
        assert [m["To"] for m in sink.messages] == ["bo@example.com"]
        sent = await app.store.fetchone("SELECT caller, outcome FROM activity WHERE skill = 'email_deliver_outbox'")
        assert sent is not None and (sent["caller"], sent["outcome"]) == ("system", "success")

    capsys.readouterr()
    assert await anyio.to_thread.run_sync(main, ["--db", str(app_db), "activity"]) == 0
    feed = capsys.readouterr().out
    assert "crm_create_lead" in feed and "email_send" in feed
