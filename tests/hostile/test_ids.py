"""Ids are never reused after a delete (so activity rows and approvals keep naming the record
they meant), the migration that makes it so keeps every existing id, and a person is only asked to
confirm an action on records that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp import Client

from modules.contacts.schema import MIGRATIONS as CONTACT_MIGRATIONS
from modules.crm.schema import MIGRATIONS as CRM_MIGRATIONS
from server.app import App
from server.assembly import open_app
from server.mcp.surface import Surface
from server.schema import CORE_MIGRATIONS
from server.store import Store
from server.testing import McpHarness, Person

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


async def contact(mcp: McpHarness, n: int) -> int:
    return int((await mcp.call("contacts_create", name=f"Person {n}", email=f"p{n}@acme.io"))["id"])


async def test_a_merged_contact_id_is_never_given_to_the_next_one(mcp: McpHarness) -> None:
    ids = [await contact(mcp, n) for n in range(4)]
    await mcp.call("contacts_merge", keep_id=ids[2], duplicate_id=ids[3], confirm=True)
    assert await contact(mcp, 5) == ids[3] + 1


async def test_the_migration_keeps_existing_ids(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = await Store.open(path)  # a database as the previous release left it
    await store.migrate("core", CORE_MIGRATIONS[:3])
    await store.execute("INSERT INTO events (id, name, payload, source, created_at) VALUES "
                        "(7, 'lead.created', '{}', 'crm', '2026-01-01'), "
                        "(9, 'lead.created', '{}', 'crm', '2026-01-02')")
    await store.execute("INSERT INTO approvals (id, skill, arguments, requested_at, expires_at) VALUES "
                        "(3, 'contacts_merge', '{\"duplicate_id\": 2}', '2026-01-01', '2026-01-03')")
    await store.execute("INSERT INTO modules (id, version, changed_at) VALUES ('crm', '1', 'now'), "
                        "('contacts', '1', 'now')")
    await store.migrate("module:crm", [(m.version, m.sql) for m in CRM_MIGRATIONS])
    await store.migrate("module:contacts", [(m.version, m.sql) for m in CONTACT_MIGRATIONS[:1]])
    await store.execute("INSERT INTO contacts (id, name, email, created_at) VALUES (2, 'Ada', 'ada@x.io', 'now'), "
                        "(5, 'Grace', 'grace@x.io', 'now')")
    await store.close()
    async with open_app(path) as app:
        served = app.store
        assert [r["id"] for r in await served.fetchall("SELECT id FROM events ORDER BY id")] == [7, 9]
        assert [r["id"] for r in await served.fetchall("SELECT id FROM contacts ORDER BY id")] == [2, 5]
        assert await served.fetchval("SELECT arguments FROM approvals WHERE id = 3") == '{"duplicate_id": 2}'
        await served.execute("DELETE FROM events WHERE id = 9")
        await served.execute("DELETE FROM contacts WHERE id = 5")
        new_event = await served.execute("INSERT INTO events (name, source, created_at) VALUES ('x', 'y', 'now')")
        new_contact = await served.execute(
            "INSERT INTO contacts (name, email, created_at) VALUES ('L', 'l@x.io', 'now')")
        assert (new_event.lastrowid, new_contact.lastrowid) == (10, 6)
        assert await served.fetchall("PRAGMA foreign_key_check") == []


@pytest.mark.sqlite_only(reason="reads SQLite's schema text; PostgreSQL's identity columns never reuse ids")
async def test_every_table_rows_are_deleted_from_never_reuses_ids(app: App) -> None:
    """A table the code deletes from (now or by retention) with an integer id must not hand it out again."""
    deleted = set()
    for folder in ("server", "modules", "skills"):
        for source in (ROOT / folder).rglob("*.py"):
            deleted |= set(re.findall(r"DELETE FROM (\w+)", source.read_text()))
    schemas = {r["name"]: r["sql"] for r in await app.store.fetchall("SELECT name, sql FROM sqlite_master "
                                                                        "WHERE type = 'table'")}
    reusing = [t for t in sorted(deleted) if t in schemas and "id INTEGER PRIMARY KEY," in schemas[t]]
    assert {"activity", "contacts", "events"} <= deleted and not reusing, reusing


async def test_confirmation_is_asked_only_about_records_that_exist(app: App) -> None:
    person = Person()
    async with Client(Surface(app).server, raise_exceptions=True, elicitation_callback=person) as client:
        mcp = McpHarness(client)
        kept = await contact(mcp, 1)
        message = await mcp.error("contacts_merge", keep_id=kept, duplicate_id=99999)
        assert "duplicate_id: there is no record #99999 in contacts" in message
        assert person.asked == []  # nobody was asked about a contact that does not exist
        other = await contact(mcp, 2)
        merged = await mcp.call("contacts_merge", keep_id=kept, duplicate_id=other)
        assert merged["removed_id"] == other and len(person.asked) == 1
