from __future__ import annotations

import csv
import io

import pytest

from server.app import App
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_create_tag_list_and_export(mcp: McpHarness) -> None:
    company = await mcp.call("crm_create_company", name="Northwind, Inc.")
    ada = await mcp.call("contacts_create", name="Ada Lovelace", email="ada@example.com", company_id=company["id"],
                         tags=["vip"])
    await mcp.call("contacts_create", name='Bob "the builder"', email="bob@example.com")
    assert "exists (id 1)" in await mcp.error("contacts_create", name="Ada again", email="ADA@example.com")
    tagged = await mcp.call("contacts_tag", contact_id=ada["id"], add=["newsletter"], remove=["vip"])
    assert tagged["tags"] == ["newsletter"]
    assert [c["name"] for c in (await mcp.call("contacts_list", tag="newsletter"))["items"]] == ["Ada Lovelace"]
    exported = await mcp.call("contacts_export_csv")
    rows = list(csv.reader(io.StringIO(exported["csv"])))
    assert rows[0] == ["id", "name", "email", "phone", "company", "tags"]
    assert rows[1][1:] == ["Ada Lovelace", "ada@example.com", "", "Northwind, Inc.", "newsletter"]
    assert rows[2][1] == 'Bob "the builder"' and exported["csv"].endswith("\r\n")


async def test_merge_needs_confirmation_and_folds_the_duplicate(app: App, mcp: McpHarness) -> None:
    keep = await mcp.call("contacts_create", name="Li Wei", email="li@kestrel.example", tags=["customer"])
    dup = await mcp.call("contacts_create", name="Li W.", email="li.wei@gmail.com", phone="+44 20 7946 0000",
                         tags=["vip"])
    assert "confirmation_required" in await mcp.error("contacts_merge", keep_id=keep["id"], duplicate_id=dup["id"])
    assert await app.store.fetchval("SELECT COUNT(*) FROM contacts") == 2
    merged = await mcp.call("contacts_merge", keep_id=keep["id"], duplicate_id=dup["id"], confirm=True)
    assert merged["kept"]["phone"] == "+44 20 7946 0000" and merged["kept"]["tags"] == ["customer", "vip"]
    assert (await mcp.call("contacts_list"))["total"] == 1
    assert "same contact" in await mcp.error("contacts_merge", keep_id=keep["id"], duplicate_id=keep["id"],
                                             confirm=True)
