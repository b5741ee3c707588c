"""What `pilothouse modules configure orders` accepts."""

from skills.settings import ModuleSettings, setting


class OrderSettings(ModuleSettings):
    unpaid_cancel_days: int = setting(7, "days after which an unpaid order is cancelled", ge=1, le=365)
