"""What the cockpit shows a person of the webhooks module's: deliveries that failed, with Retry."""

from modules.webhooks.deliveries import failed_deliveries
from skills import Database
from skills.attention import Attention, Flagged


async def failed_webhooks(db: Database, limit: int) -> list[Flagged]:
    return [Flagged(d["id"], f"{d['event']} to endpoint #{d['endpoint_id']}", f"{d['error_kind']}: {d['last_error']}",
                    d["attempts"]) for d in await failed_deliveries(db, limit)]


ATTENTION = Attention(label="webhook delivery", items=failed_webhooks, retry="webhooks_redeliver",
                      retry_argument="delivery_id")
