from __future__ import annotations

import pytest

from server.testing import McpHarness

pytestmark = pytest.mark.anyio


async def test_search_ranks_titles_over_bodies_and_ignores_drafts(mcp: McpHarness) -> None:
    await mcp.call("knowledge_base_write_article", title="Refund policy", body="Refunds are paid within 14 days.",
                   category="billing", publish=True)
    await mcp.call("knowledge_base_write_article", title="Shipping",
                   body="We ship fast. Refund requests go to support.", publish=True)
    await mcp.call("knowledge_base_write_article", title="Refund drafts", body="Internal notes on a refund process.")
    result = await mcp.call("knowledge_base_search", query="refund")
    assert [h["title"] for h in result["hits"]] == ["Refund policy", "Shipping"]
    assert result["hits"][0]["score"] > result["hits"][1]["score"]
    assert "Refund requests" in result["hits"][1]["snippet"]
    assert (await mcp.call("knowledge_base_search", query="warehouse"))["hits"] == []
    assert "no searchable words" in await mcp.error("knowledge_base_search", query="!!")


async def test_update_votes_and_listing(mcp: McpHarness) -> None:
    draft = await mcp.call("knowledge_base_write_article", title="Password reset", body="Use the reset link.")
    assert "only published" in await mcp.error("knowledge_base_rate_article", article_id=draft["id"], helpful=True)
    published = await mcp.call("knowledge_base_write_article", article_id=draft["id"], title="Password reset",
                               body="Use the reset link on the login page.", publish=True)
    assert published["status"] == "published"
    await mcp.call("knowledge_base_rate_article", article_id=draft["id"], helpful=True)
    rated = await mcp.call("knowledge_base_rate_article", article_id=draft["id"], helpful=False)
    assert (rated["helpful"], rated["not_helpful"]) == (1, 1)
    assert "pass its article_id" in await mcp.error("knowledge_base_write_article", title="Password reset",
                                                    body="Duplicate title text")
    listed = await mcp.call("knowledge_base_list_articles", status="published")
    assert [a["title"] for a in listed["items"]] == ["Password reset"]
    assert "no article with id 9" in await mcp.error("knowledge_base_rate_article", article_id=9, helpful=True)
