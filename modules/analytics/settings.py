"""What `pilothouse modules configure analytics` accepts."""

from skills.settings import ModuleSettings, setting


class AnalyticsSettings(ModuleSettings):
    site_host: str | None = setting(None, "the site's own host: its referrers are internal, not a source",
                                    pattern=r"^[a-z0-9.-]+$")
