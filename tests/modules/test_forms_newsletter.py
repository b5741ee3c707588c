from __future__ import annotations

import pytest

from server.app import App
from server.testing import McpHarness

pytestmark = pytest.mark.anyio

FIELDS = [{"name": "name", "type": "text", "required": True}, {"name": "email", "type": "email", "required": True},
          {"name": "budget", "type": "number"}, {"name": "topic", "type": "choice", "options": ["sales", "support"]}]


async def test_submissions_are_validated_and_become_leads(app: App, mcp: McpHarness) -> None:
    form = await mcp.call("forms_create", name="Contact us", fields=FIELDS)
    message = await mcp.error("forms_submit", form_id=form["id"], data={"email": "nope", "topic": "jobs", "x": 1})
    for part in ("'x' is not a field", "'name' is required", "'email' must be an email", "'topic' must be one of"):
        assert part in message
    assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 0
    first = await mcp.call("forms_submit", form_id=form["id"], data={"name": "Ada", "email": "ada@acme.io",
                                                                     "budget": 5000, "topic": "sales"})
    again = await mcp.call("forms_submit", form_id=form["id"], data={"name": "Ada", "email": "ada@acme.io"})
    assert first["lead_id"] == again["lead_id"] is not None
    lead = await mcp.call("crm_get_lead", lead_id=first["lead_id"])
    assert (lead["source"], lead["name"]) == ("form", "Ada")
    listed = await mcp.call("forms_list_submissions", form_id=form["id"])
    assert listed["total"] == 2 and listed["items"][0]["data"] == {"name": "Ada", "email": "ada@acme.io"}
    stats = (await mcp.call("forms_stats"))["forms"][0]
    assert (stats["submissions"], stats["leads_created"], stats["conversion"]) == (2, 1, 0.5)
    assert "need options" in await mcp.error("forms_create", name="Bad", fields=[{"name": "c", "type": "choice"}])


@pytest.mark.usefixtures("business")  # a newsletter says who sends it, with a postal address
async def test_double_opt_in_and_a_campaign_sent_once(app: App, mcp: McpHarness) -> None:
    await mcp.call("newsletter_subscribe", email="ada@example.com")
    await mcp.call("newsletter_subscribe", email="bob@example.com")
    await mcp.call("newsletter_subscribe", email="cy@example.com")
    rows = await app.store.fetchall("SELECT email, token FROM newsletter_subscribers")
    tokens = {r["email"]: r["token"] for r in rows}
    confirmation = await app.store.fetchone("SELECT body FROM outbox WHERE recipient = 'ada@example.com'")
    assert confirmation is not None
    assert tokens["ada@example.com"] in confirmation["body"]
    await mcp.call("newsletter_confirm", token=tokens["ada@example.com"])
    await mcp.call("newsletter_confirm", token=tokens["bob@example.com"])
    assert "already used" in await mcp.error("newsletter_confirm", token=tokens["ada@example.com"])
    await mcp.call("newsletter_unsubscribe", email="bob@example.com")
    campaign = await mcp.call("newsletter_create_campaign", subject="November news", body="Fresh things this month.")
    assert "confirmation_required" in await mcp.error("newsletter_send_campaign", campaign_id=campaign["id"])
    sent = await mcp.call("newsletter_send_campaign", campaign_id=campaign["id"], confirm=True)
    assert sent["status"] == "sent" and sent["recipients"] == 1  # only confirmed, still subscribed
    assert "already sent" in await mcp.error("newsletter_send_campaign", campaign_id=campaign["id"], confirm=True)
    purpose = f"newsletter:{campaign['id']}"
    mails = await app.store.fetchall("SELECT recipient FROM outbox WHERE purpose = ?", (purpose,))
    assert [m["recipient"] for m in mails] == ["ada@example.com"]
    stats = await mcp.call("newsletter_stats")
    assert (stats["active"], stats["pending"], stats["unsubscribed"]) == (1, 1, 1)
