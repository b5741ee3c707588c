from __future__ import annotations

import pytest

from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_post_lifecycle_draft_scheduled_published(mcp: McpHarness, clock: FakeClock) -> None:
    post = await mcp.call("blog_create_post", title="Hello World", body="First words.", category="news")
    twin = await mcp.call("blog_create_post", title="Hello, world!")
    assert (post["slug"], twin["slug"]) == ("hello-world", "hello-world-2")

    when = clock.advance(hours=0).replace(hour=12).isoformat()
    scheduled = await mcp.call("blog_schedule_post", post_id=post["id"], publish_at=when)
    assert scheduled["status"] == "scheduled"
    assert (await mcp.call("blog_publish_due"))["published"] == []
    clock.advance(hours=4)
    assert (await mcp.call("blog_publish_due"))["published"] == [post["id"]]
    assert (await mcp.call("blog_list_posts", status="published"))["items"][0]["id"] == post["id"]


async def test_publishing_rules(mcp: McpHarness, clock: FakeClock) -> None:
    empty = await mcp.call("blog_create_post", title="Empty draft")
    assert "empty body" in await mcp.error("blog_publish_post", post_id=empty["id"])
    await mcp.call("blog_update_post", post_id=empty["id"], body="Now with words.")
    published = await mcp.call("blog_publish_post", post_id=empty["id"])
    assert published["status"] == "published" and published["published_at"] == clock.now().isoformat()
    past = clock.now().replace(year=2020).isoformat()
    other = await mcp.call("blog_create_post", title="Later")
    assert "in the past" in await mcp.error("blog_schedule_post", post_id=other["id"], publish_at=past)
    assert "needs a timezone" in await mcp.error("blog_schedule_post", post_id=other["id"],
                                                 publish_at="2030-01-01T09:00:00")


async def test_archive_freezes_a_post(mcp: McpHarness) -> None:
    post = await mcp.call("blog_create_post", title="Old news", body="...")
    archived = await mcp.call("blog_archive_post", post_id=post["id"])
    assert archived["status"] == "archived"
    assert "read-only" in await mcp.error("blog_update_post", post_id=post["id"], title="New title")
    draft = await mcp.call("blog_create_post", title="Fresh draft")
    assert "nothing to change" in await mcp.error("blog_update_post", post_id=draft["id"])


async def test_list_filters(mcp: McpHarness) -> None:
    await mcp.call("blog_create_post", title="Pricing update", body="New prices", category="news")
    await mcp.call("blog_create_post", title="Team offsite", body="We met", category="culture")
    assert (await mcp.call("blog_list_posts", category="news"))["total"] == 1
    assert (await mcp.call("blog_list_posts", query="prices"))["items"][0]["title"] == "Pricing update"
    assert "no blog post with id 999" in await mcp.error("blog_update_post", post_id=999, title="Whatever")
