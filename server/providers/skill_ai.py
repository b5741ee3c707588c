"""``ctx.ai`` as the server provides it: a skill's model call through the provider chain.

The executor builds one ``ChainAi`` per skill call and hands it in on the context, so a skill
reaches a model the way the agent does (Pattern 6): the skill's ``preferred_provider`` tried
first (customer data may prefer a local model), then the chain's order with its failover and
cooldowns, and one ``ai_usage`` row per attempt naming the skill, its tokens and its cost.

Refusals are the skill's errors, said so a person can act on them: no provider configured (what
to set), none available right now (why, and how to clear a cooldown), every provider failed
(an external error, which the executor may retry), and a transactional skill calling a model
(it would hold the write lock for seconds: declare the skill ``transactional=False``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.providers.chain import ProviderChain
from server.providers.config import load_settings
from server.providers.errors import AllProvidersFailed, NoProviderAvailable
from server.providers.settings import HOW_TO_CONFIGURE, AiSettings
from skills import Clock, ErrorKind, ExternalError, Skill, SkillFailed
from skills.ai import AiReply, ModelTier

if TYPE_CHECKING:
    from skills.context import Database


class ChainAi:
    """The model access of one skill call (``skills.ai.SkillAi``)."""

    def __init__(self, store: Database, clock: Clock, skill: Skill, run_id: str | None,
                 settings: AiSettings | None = None) -> None:
        self.store = store
        self.clock = clock
        self.skill = skill
        self.run_id = run_id
        self._settings = settings

    async def complete(self, prompt: str, *, system: str = "", tier: ModelTier = "fast") -> AiReply:
        name = self.skill.name
        if self.skill.transactional:
            raise SkillFailed(f"{name} calls a model inside its database transaction; declare it "
                              "@skill(..., transactional=False) so a slow model never holds the write lock")
        settings = self._settings if self._settings is not None else await load_settings(self.store)
        if not settings.providers:
            raise SkillFailed(f"{name} needs an AI model and no AI provider is configured: {HOW_TO_CONFIGURE}.")
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
        async with ProviderChain(self.store, self.clock, settings) as chain:
            try:
                result = await chain.complete(messages, [], tier=tier, preferred=self.skill.preferred_provider,
                                              run_id=self.run_id, skill=name)
            except NoProviderAvailable as exc:
                raise SkillFailed(f"{name} needs an AI model: {exc}") from exc
            except AllProvidersFailed as exc:
                raise ExternalError(f"{name}: {exc}", kind=_last_kind(exc)) from exc
        text = (result.reply.content or "").strip()
        if not text:
            raise SkillFailed(f"{name}: {result.model_id} returned no text; try again")
        return AiReply(text, result.provider, result.model, result.reply.prompt_tokens, result.reply.completion_tokens)


def _last_kind(exc: AllProvidersFailed) -> ErrorKind:
    """How the last provider failed (the executor retries what is retryable), else a server error."""
    for attempt in reversed(exc.attempts):
        if attempt.error_kind:
            try:
                return ErrorKind(attempt.error_kind)
            except ValueError:
                break
    return ErrorKind.HTTP_5XX
