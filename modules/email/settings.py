"""What `pilothouse modules configure email` accepts: the SMTP server and the delivery retries."""

from skills.delivery import RetrySettings
from skills.settings import setting


class EmailSettings(RetrySettings):
    smtp_host: str | None = setting(None, "SMTP server host name", env="PILOTHOUSE_SMTP_HOST")
    smtp_port: int = setting(25, "SMTP server port", ge=1, le=65535, env="PILOTHOUSE_SMTP_PORT")
    smtp_username: str | None = setting(None, "SMTP login name", env="PILOTHOUSE_SMTP_USERNAME")
    smtp_password: str | None = setting(None, "SMTP password", secret=True, env="PILOTHOUSE_SMTP_PASSWORD")
    smtp_from: str | None = setting(None, "the sender address (default pilothouse@localhost)",
                                    pattern=r"^[^@\s]+@[^@\s]+$", env="PILOTHOUSE_SMTP_FROM")
    smtp_starttls: bool = setting(False, "upgrade the connection with STARTTLS", env="PILOTHOUSE_SMTP_STARTTLS")
    smtp_timeout_s: float = setting(15.0, "seconds to wait on the SMTP server", gt=0, le=300)
