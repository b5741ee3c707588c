"""What the cockpit shows a person of the email module's: messages that failed to go out, with Retry."""

from modules.email.outbox import failed_messages
from skills import Database
from skills.attention import Attention, Flagged


async def failed_emails(db: Database, limit: int) -> list[Flagged]:
    return [Flagged(m["id"], m["recipient"] or "", f"{m['error_kind']}: {m['last_error']}", m["attempts"])
            for m in await failed_messages(db, limit)]


ATTENTION = Attention(label="email", items=failed_emails, retry="email_retry_failed", retry_argument="ids")
