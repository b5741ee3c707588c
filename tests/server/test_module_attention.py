"""The cockpit asks every module, through one hook (``Attention``), what a person should see: it knows
neither email nor webhooks, so a pack's failures show up there the same way, with a working Retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from modules import BUILTIN_MODULES
from server.app import App
from server.assembly import open_app
from server.cockpit.data import gather
from server.cockpit.tool import cockpit_record
from server.testing import FakeClock
from skills import Database, Migration, Module, Record, SkillContext, skill
from skills.attention import Attention, Flagged
from tests.server.test_cockpit_http import cockpit, csrf_of

pytestmark = pytest.mark.anyio


class Requeued(Record):
    requeued: list[int]


@skill(title="Retry a sync", instructions="Puts a failed sync back in the queue.", idempotent=True)
async def retry(ctx: SkillContext, ids: list[int]) -> Requeued:
    """Queue failed syncs again.

    Args:
        ids: The syncs to retry.
    """
    for sync_id in ids:
        await ctx.db.execute("UPDATE crmsync_runs SET status = 'pending' WHERE id = ?", (sync_id,))
    return Requeued(requeued=ids)


async def failed_syncs(db: Database, limit: int) -> list[Flagged]:
    rows = await db.fetchall("SELECT id, account, error FROM crmsync_runs WHERE status = 'failed' ORDER BY id DESC "
                             "LIMIT ?", (limit,))
    return [Flagged(r["id"], r["account"], r["error"], attempts=3) for r in rows]


SYNC = Module(id="crmsync", name="CRM sync", description="Syncs leads to an outside CRM.", category="crm",
              version="1", skills=(retry,),
              migrations=(Migration(1, "CREATE TABLE crmsync_runs (id INTEGER PRIMARY KEY, account TEXT, "
                                       "status TEXT, error TEXT)"),),
              attention=Attention(label="CRM sync", items=failed_syncs, retry="crmsync_retry", retry_argument="ids"))


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async with open_app(tmp_path / "instance.db", modules=[*BUILTIN_MODULES, SYNC], clock=FakeClock(),
                        retry_delay_s=0) as instance:
        yield instance


async def test_a_packs_failures_are_in_the_cockpit_with_a_retry_that_calls_its_skill(app: App) -> None:
    await app.store.execute("INSERT INTO crmsync_runs (account, status, error) VALUES ('acme', 'failed', "
                            "'http_401: token expired')")
    record = cockpit_record(await gather(app))  # what ops_cockpit answers
    [failed] = record.failed
    assert failed.model_dump() == {"module": "crmsync", "what": "CRM sync #1", "name": "acme",
                                   "detail": "http_401: token expired", "retry_tool": "crmsync_retry",
                                   "retry_arguments": {"ids": [1]}}
    assert "1 failed item(s)" in record.summary

    async with cockpit(app) as web:
        page = (await web.get("/cockpit")).text
        assert "CRM sync #1" in page and "token expired" in page and 'aria-label="Retry CRM sync #1"' in page
        done = await web.post("/cockpit/action/retry", data={"module": "crmsync", "id": "1", "csrf": csrf_of(page)})
        assert done.status_code == 303
        refused = await web.post("/cockpit/action/retry", data={"module": "crm", "id": "1", "csrf": csrf_of(page)},
                                 follow_redirects=True)
        assert "module &#x27;crm&#x27; shows nothing that can be retried here" in refused.text
    assert await app.store.fetchval("SELECT status FROM crmsync_runs WHERE id = 1") == "pending"
