"""What a model call returns, independent of the SDK that made it. Plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Tier = Literal["fast", "reasoning"]
TIERS: tuple[Tier, ...] = ("fast", "reasoning")


@dataclass(frozen=True, slots=True)
class AiConfig:
    """One provider ready to call: the seed's ``resolveAiConfig`` result."""

    provider: str  # openai | gemini | ollama | local
    model: str
    api: Literal["openai", "ollama"]  # the wire protocol its adapter speaks
    base_url: str
    api_key: str | None = field(default=None, repr=False)

    @property
    def model_id(self) -> str:
        return f"{self.provider}:{self.model}"


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model asked for. ``arguments`` is None when the model sent invalid JSON."""

    id: str
    name: str
    arguments: dict[str, Any] | None
    raw_arguments: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ModelReply:
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    cached_tokens: int = 0  # prompt tokens the server took from its prompt cache (when it says)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One step of the chain within a call: tried (ok/error) or skipped (cooling down, unreachable)."""

    provider: str
    model: str
    status: Literal["ok", "error", "skipped"]
    error_kind: str | None = None
    message: str = ""
    latency_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "status": self.status,
                "error_kind": self.error_kind, "message": self.message, "latency_ms": round(self.latency_ms, 1)}


@dataclass(frozen=True, slots=True)
class ChatResult:
    provider: str
    model: str
    reply: ModelReply
    latency_ms: float
    attempts: tuple[Attempt, ...]

    @property
    def model_id(self) -> str:
        return f"{self.provider}:{self.model}"
