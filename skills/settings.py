"""A module's settings, declared as one pydantic model: names, types, bounds, secrets, defaults.

    class EmailSettings(ModuleSettings):
        smtp_host: str | None = setting(None, "SMTP server host name", env="PILOTHOUSE_SMTP_HOST")
        smtp_port: int = setting(25, "SMTP port", ge=1, le=65535, env="PILOTHOUSE_SMTP_PORT")
        smtp_password: str | None = setting(None, "SMTP password", secret=True, env="PILOTHOUSE_SMTP_PASSWORD")

    module = Module(..., settings=EmailSettings)

``pilothouse modules configure email smtp_port=587`` is checked against it: an unknown key is
refused naming the accepted ones (``smtp_prot`` is a typo, not a new setting), a wrong value names
the setting and the rule it broke, so nothing fails later inside a handler. A handler reads the
values, with the defaults filled in, from ``ctx.settings`` (a mapping; ``EmailSettings(**ctx.settings)``
gives them typed). ``secret=True`` keeps a value out of every listing (``pilothouse config``,
``modules info``). ``env`` names a process variable that supplies the value when nobody configured
one; the runtime's settings owner reads it (a module never reads the environment itself).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Keys of a field's json_schema_extra: what the runtime reads back from a declaration.
SECRET = "secret"
ENV = "env"


class ModuleSettings(BaseModel):
    """Base of a module's settings model: unknown keys are refused, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def setting(default: Any, description: str, *, secret: bool = False, env: str | None = None,
            **constraints: Any) -> Any:
    """A field of a ``ModuleSettings`` model. ``constraints`` are pydantic's (``ge``, ``le``, ``pattern``...)."""
    extra: dict[str, Any] = {}
    if secret:
        extra[SECRET] = True
    if env is not None:
        extra[ENV] = env
    return Field(default, description=description, json_schema_extra=extra or None, **constraints)


def is_secret(model: type[ModuleSettings], name: str) -> bool:
    return bool(_extra(model, name).get(SECRET))


def env_of(model: type[ModuleSettings], name: str) -> str | None:
    value = _extra(model, name).get(ENV)
    return value if isinstance(value, str) else None


def _extra(model: type[ModuleSettings], name: str) -> dict[str, Any]:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}
