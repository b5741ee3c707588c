"""What `pilothouse modules configure webhooks` accepts: the delivery retries, and where deliveries may go."""

from skills.delivery import RetrySettings
from skills.settings import setting


class WebhookSettings(RetrySettings):
    allow_private: bool = setting(False, "deliver to internal (private, loopback) addresses too",
                                  env="PILOTHOUSE_WEBHOOK_ALLOW_PRIVATE")
    allow_hosts: str = setting("", "internal hosts deliveries may go to, comma-separated",
                               env="PILOTHOUSE_WEBHOOK_ALLOW_HOSTS")
    timeout_s: float = setting(10.0, "seconds to wait on a receiver before the delivery counts as timed out",
                               gt=0, le=30)
