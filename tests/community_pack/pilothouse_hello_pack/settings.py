"""What `pilothouse modules configure hello` accepts."""

from pilothouse import ModuleSettings, setting


class HelloSettings(ModuleSettings):
    sign_off: str = setting("Welcome aboard.", "the last line of a welcome email", min_length=1, max_length=80)
