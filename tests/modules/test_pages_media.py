from __future__ import annotations

import pytest

from server.testing import McpHarness

pytestmark = pytest.mark.anyio

BLOCKS = [{"type": "heading", "content": {"text": "Pricing"}},
          {"type": "cta", "content": {"label": "Buy", "url": "/buy"}}]


async def test_pages_publish_and_resolve_through_redirects(mcp: McpHarness) -> None:
    empty = await mcp.call("pages_save", path="/draft", title="Draft", blocks=[])
    assert "no blocks" in await mcp.error("pages_publish", page_id=empty["id"])
    page = await mcp.call("pages_save", path="/pricing", title="Pricing", blocks=BLOCKS)
    await mcp.call("pages_publish", page_id=page["id"])
    await mcp.call("pages_add_redirect", source="/prices", target="/pricing")
    chain = await mcp.call("pages_add_redirect", source="/old-prices", target="/prices")
    assert chain["chain"] == ["/old-prices", "/prices", "/pricing"]
    resolved = await mcp.call("pages_resolve", path="/old-prices")
    assert resolved["hops"] == ["/prices", "/pricing"] and resolved["page"]["title"] == "Pricing"
    assert "is a page's path" in await mcp.error("pages_add_redirect", source="/pricing", target="/old-prices")
    assert "would loop" in await mcp.error("pages_add_redirect", source="/prices", target="/old-prices")
    assert "belongs to page" in await mcp.error("pages_save", path="/pricing", title="Again", blocks=BLOCKS)
    await mcp.call("pages_publish", page_id=page["id"], published=False)
    assert "no published page at /pricing" in await mcp.error("pages_resolve", path="/prices")


async def test_media_library_and_alt_text_report(mcp: McpHarness) -> None:
    hero = await mcp.call("media_register", filename="hero.jpg", mime_type="image/jpeg", size_bytes=1000,
                          alt_text="Van at sunrise", tags=["Homepage"])
    bare = await mcp.call("media_register", filename="team.png", mime_type="image/png", size_bytes=2000)
    await mcp.call("media_register", filename="prices.pdf", mime_type="application/pdf", size_bytes=300)
    assert "already in the library" in await mcp.error("media_register", filename="hero.jpg",
                                                       mime_type="image/jpeg", size_bytes=5)
    assert "200 MB" in await mcp.error("media_register", filename="big.mov", mime_type="video/quicktime",
                                       size_bytes=300 * 1024 * 1024)
    assert [a["filename"] for a in (await mcp.call("media_list", kind="document"))["items"]] == ["prices.pdf"]
    assert [a["id"] for a in (await mcp.call("media_list", tag="homepage"))["items"]] == [hero["id"]]
    report = await mcp.call("media_alt_text_report")
    assert (report["images"], [a["id"] for a in report["missing_alt"]], report["coverage"]) == (2, [bare["id"]], 0.5)
    await mcp.call("media_update", asset_id=bare["id"], alt_text="The team at the warehouse")
    assert (await mcp.call("media_alt_text_report"))["coverage"] == 1.0
    assert "confirmation_required" in await mcp.error("media_delete", asset_id=bare["id"])
    await mcp.call("media_delete", asset_id=bare["id"], confirm=True)
    assert "no asset with id" in await mcp.error("media_update", asset_id=bare["id"], alt_text="gone")
