"""A model call from inside a skill: ``await ctx.ai.complete(prompt, tier="fast")`` (Pattern 6).

The contract only: a module imports nothing of the server, so this is a Protocol, and the
executor hands each call the server's implementation, which goes through the same provider
chain as the agent: the skill's ``preferred_provider`` first, then the usual failover and
cooldowns, with one ``ai_usage`` row (tokens, cost, the skill's name) per attempt.

What a skill sees:

- a reply with the text and who answered (provider, model) and the tokens it cost;
- ``SkillFailed`` when no provider is configured or none is available, with what to set;
- ``ExternalError`` when every provider failed (the executor may retry it).

Call it from a ``transactional=False`` skill: a model call can take seconds and must not hold
the database's write lock (the same rule as SMTP and webhooks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from skills.errors import SkillFailed

ModelTier = Literal["fast", "reasoning"]


@dataclass(frozen=True, slots=True)
class AiReply:
    text: str
    provider: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class SkillAi(Protocol):
    async def complete(self, prompt: str, *, system: str = "", tier: ModelTier = "fast") -> AiReply:
        """One model answer to ``prompt`` (with ``system`` instructions), on the ``fast`` or ``reasoning`` tier."""
        ...


class NoAi:
    """The context's default outside the executor (demo seeding, a bare test context): no model to call."""

    async def complete(self, prompt: str, *, system: str = "", tier: ModelTier = "fast") -> AiReply:
        raise SkillFailed("no AI model is available in this context; run the skill through the server "
                          "(pilothouse call, MCP or the agent) with an AI provider configured")
