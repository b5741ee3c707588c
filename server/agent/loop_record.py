"""What one reasoning-loop run did: the record ``run_loop`` returns and checkpoints.

Plain dataclasses that round-trip through JSON, because the record is saved inside the
run's checkpoint (``runs.state``) after every step: a resumed run returns the whole
story, not just the part after the interruption.

Stop reasons and the run status they leave:

    answer, no_reply, max_iterations, token_budget    completed
    loop_detected, no_provider, provider_error, error  failed
    ungrounded (an ask answer stating figures nothing read, twice)
    wall_clock                                         timeout   (resumable)
    interrupted (cancelled: shutdown, agent off)       paused    (resumable)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUS_BY_STOP = {
    "answer": "completed", "no_reply": "completed", "max_iterations": "completed", "token_budget": "completed",
    "loop_detected": "failed", "no_provider": "failed", "provider_error": "failed", "error": "failed",
    "ungrounded": "failed",
    "wall_clock": "timeout", "interrupted": "paused",
}


@dataclass
class ToolCallRecord:
    iteration: int
    call_id: str
    skill: str
    arguments: dict[str, Any] | str  # the raw text when the model sent invalid JSON
    ok: bool
    error_kind: str | None = None
    message: str = ""
    activity_id: int | None = None
    truncated: bool = False  # the output was cut before it went back to the model
    recovered: bool = False  # found in the activity log on resume instead of being run again


@dataclass
class IterationRecord:
    index: int
    tier: str  # the manifest tier: full, compact or drop
    tools_sent: int
    conversation_tokens: int  # the conversation's size before this model call
    tool_tokens: int = 0  # the tool definitions sent with it; the tier follows the sum of the two
    provider: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    attempts: list[dict[str, Any]] = field(default_factory=list)  # the failover, provider by provider
    tool_calls: int = 0
    window: int = 0  # the answering model's context window, the budget's base
    max_tokens: int = 0  # the reply length the request allowed
    cached_tokens: int = 0  # prompt tokens the server reused from its cache (when it reports them)


@dataclass
class RunRecord:
    run_id: str
    kind: str
    status: str = "running"
    stop_reason: str | None = None
    answer: str | None = None
    error: str | None = None
    model_tier: str = "fast"
    iterations: list[IterationRecord] = field(default_factory=list)
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cursor: int = 0  # completed steps: model calls plus tool calls
    resumed_at: list[int] = field(default_factory=list)  # cursors this run was resumed from

    @property
    def cached_tokens(self) -> int:
        return sum(i.cached_tokens for i in self.iterations)

    @property
    def tiers(self) -> list[str]:
        return [i.tier for i in self.iterations]

    @property
    def models(self) -> list[str]:
        return [f"{i.provider}:{i.model}" for i in self.iterations]

    @property
    def conversation_tokens(self) -> list[int]:
        return [i.conversation_tokens for i in self.iterations]

    @property
    def request_tokens(self) -> list[int]:
        """What each model call carried: conversation plus tool definitions (what the tier is chosen from)."""
        return [i.conversation_tokens + i.tool_tokens for i in self.iterations]

    def stop(self, reason: str, *, answer: str | None = None, error: str | None = None) -> None:
        self.stop_reason = reason
        self.status = STATUS_BY_STOP[reason]
        self.answer = answer
        self.error = error

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(tiers=self.tiers, models=self.models, conversation_tokens=self.conversation_tokens,
                    request_tokens=self.request_tokens, cached_tokens=self.cached_tokens)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["iterations"] = [IterationRecord(**i) for i in data.get("iterations", [])]
        fields["tool_calls"] = [ToolCallRecord(**c) for c in data.get("tool_calls", [])]
        return cls(**fields)
