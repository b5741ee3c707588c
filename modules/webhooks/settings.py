"""What `pilothouse modules configure webhooks` accepts: the delivery retries."""

from skills.delivery import RetrySettings


class WebhookSettings(RetrySettings):
    pass
