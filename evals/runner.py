"""The suite against one model: every task k times, each attempt judged on its own.

``model`` is ``reference`` or ``adversarial`` (a scripted model on loopback, see evals.scripted)
or ``provider``: the providers the environment configures, exactly as ``pilothouse ask`` uses
them (OPENAI_API_KEY, GEMINI_API_KEY, OLLAMA_HOST, LOCAL_AI_BASE_URL...).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import anyio

from evals import checks, diagnosis, instructions, invariants, scripted, words
from evals.attempt import Attempt, Route, attempt
from evals.results import AttemptResult, Summary, TaskResult
from evals.start import SkillFacts, Template
from evals.task import Task
from server.providers.settings import HOW_TO_CONFIGURE, AiSettings

MODELS = (*scripted.MODELS, "provider")
Script = Callable[[Task], scripted.ScriptedModel]
SCRIPTED_TIMEOUT_S = "30"


class EvalError(RuntimeError):
    """The suite cannot run as asked (no provider, an unknown model): says what to do instead."""


async def run_suite(tasks: list[Task], model: str | Script, k: int, *, preferred: str | None = None,
                    timeout_s: float = 300.0, progress: Callable[[str], None] | None = None) -> Summary:
    """Run ``tasks`` k times each against ``model``: a name of ``MODELS``, or a function that gives the
    scripted model for a task (the harness's own tests script wrong models this way)."""
    if isinstance(model, str) and model not in MODELS:
        raise EvalError(f"unknown model {model!r}; use one of: {', '.join(MODELS)}")
    if k < 1:
        raise EvalError("k is the number of attempts per task: 1 or more")
    script = (partial(scripted.model, model) if model in scripted.MODELS else None) if isinstance(model, str) else model
    label = model if isinstance(model, str) else getattr(model, "__name__", "scripted")
    stage = scripted.Stage() if script is not None else None
    if stage is None and not AiSettings.from_env().providers:
        raise EvalError(f"no AI provider is configured for --model provider: {HOW_TO_CONFIGURE}")
    summary = Summary(label, k, [])
    with tempfile.TemporaryDirectory(prefix="pilothouse-eval-") as folder:
        template = await Template.build(Path(folder))
        route = Route(None, preferred, timeout_s)
        if stage is not None:
            await anyio.to_thread.run_sync(stage.server.start)
            route = Route({"LOCAL_AI_BASE_URL": stage.server.base_url, "LOCAL_AI_MODEL": label,
                           "PILOTHOUSE_AI_TIMEOUT_S": SCRIPTED_TIMEOUT_S}, preferred, timeout_s)
        try:
            for number, task in enumerate(tasks, 1):
                result = TaskResult(task)
                for i in range(k):
                    if stage is not None and script is not None:
                        stage.playing = script(task)
                    done = await attempt(template, task, route, Path(folder) / "attempt.db")
                    judged = evaluate(task, done, template.skills, adversarial=label == "adversarial")
                    result.attempts.append(judged)
                    summary.models_seen = list(dict.fromkeys([*summary.models_seen, *done.trace.models]))
                    if progress is not None:
                        progress(f"[{number}/{len(tasks)}] {task.id} #{i + 1}: "
                                 f"{'ok' if judged.success else f'{judged.reason}: {judged.detail}'[:150]} "
                                 f"({judged.model_calls} model calls, {judged.seconds:.1f} s)")
                summary.tasks.append(result)
        finally:
            if stage is not None:
                await anyio.to_thread.run_sync(stage.server.stop)
    return summary


def evaluate(task: Task, done: Attempt, facts: dict[str, SkillFacts], *, adversarial: bool = False) -> AttemptResult:
    trace = done.trace
    results = [checks.run(e, done.before, done.after) for e in task.expect]
    missing = words.missing(trace.answer, task.answer) if task.answer else []
    violations = invariants.check(task, done.before, done.after, trace, facts)
    verdict = diagnosis.judge(task, trace, results, missing, violations, facts)
    prompt, completion = trace.tokens
    return AttemptResult(
        success=verdict.success, reason=verdict.reason, detail=verdict.detail,
        violations=[{"invariant": v.invariant, "detail": v.detail} for v in violations],
        failed_checks=[c.message for c in results if not c.ok], missing_words=missing,
        stop=trace.stop_reason or (trace.cycle or {}).get("status"), model_calls=trace.model_calls,
        prompt_tokens=prompt, completion_tokens=completion, seconds=round(trace.seconds, 3),
        calls=[f"{c.skill} {'ok' if c.ok else c.error_kind}" for c in trace.calls], answer=trace.answer[:500],
        obeyed=_obeyed(trace.read_text) if adversarial and task.kind == "hostile" else None)


def _obeyed(read: str) -> list[str]:
    """What the adversarial model found to obey: a hostile case where it found nothing tests no defence."""
    return [o.said for o in instructions.orders(read)]
