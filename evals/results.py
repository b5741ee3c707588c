"""What an eval run found: per attempt, per task and overall, as JSON for comparing runs and as rows
for people.

pass^k (tau-bench's reliability figure): of a task's n attempts, c succeeded; pass^k is the chance
that k attempts drawn from them all succeed, C(c, k) / C(n, k), averaged over the tasks. pass^1 is
the plain success rate; pass^k falls as k grows unless the agent succeeds every time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from math import comb
from typing import Any

from evals.task import Task

FORMAT = 1  # the JSON's layout version, for tools that compare runs


@dataclass
class AttemptResult:
    success: bool
    reason: str | None
    detail: str
    violations: list[dict[str, str]]
    failed_checks: list[str]
    missing_words: list[str]
    stop: str | None
    model_calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    calls: list[str] = field(default_factory=list)  # "skill ok" / "skill error_kind", in order
    answer: str = ""
    obeyed: list[str] | None = None  # adversarial model, hostile case: the instructions it found and obeyed


@dataclass
class TaskResult:
    task: Task
    attempts: list[AttemptResult] = field(default_factory=list)

    @property
    def successes(self) -> int:
        return sum(a.success for a in self.attempts)

    def pass_hat(self, k: int) -> float:
        n = len(self.attempts)
        return comb(self.successes, k) / comb(n, k) if 0 < k <= n else 0.0

    @property
    def violations(self) -> int:
        return sum(len(a.violations) for a in self.attempts)

    @property
    def why(self) -> str:
        """The first failure's reason and detail, for the table."""
        failed = next((a for a in self.attempts if not a.success), None)
        return f"{failed.reason}: {failed.detail}" if failed else ""

    def as_json(self, k: int) -> dict[str, Any]:
        return {"id": self.task.id, "kind": self.task.kind, "modules": self.task.modules,
                "successes": self.successes, "attempts": len(self.attempts), f"pass^{k}": round(self.pass_hat(k), 4),
                "violations": self.violations, "runs": [asdict(a) for a in self.attempts]}


@dataclass
class Summary:
    model: str
    k: int
    tasks: list[TaskResult]
    models_seen: list[str] = field(default_factory=list)

    @property
    def attempts(self) -> list[AttemptResult]:
        return [a for t in self.tasks for a in t.attempts]

    def pass_hat(self, k: int) -> float:
        return sum(t.pass_hat(k) for t in self.tasks) / len(self.tasks) if self.tasks else 0.0

    @property
    def violations(self) -> Counter[str]:
        return Counter(v["invariant"] for a in self.attempts for v in a.violations)

    @property
    def reasons(self) -> Counter[str]:
        return Counter(a.reason for a in self.attempts if a.reason)

    def overall(self) -> dict[str, Any]:
        attempts = self.attempts
        n = len(attempts) or 1
        return {
            "tasks": len(self.tasks), "attempts": len(attempts), "successes": sum(a.success for a in attempts),
            "success": round(sum(a.success for a in attempts) / n, 4),
            "pass^k": {str(j): round(self.pass_hat(j), 4) for j in range(1, self.k + 1)},
            "invariant_violations": sum(self.violations.values()), "violations_by_invariant": dict(self.violations),
            "failures_by_reason": dict(self.reasons),
            "model_calls_per_attempt": round(sum(a.model_calls for a in attempts) / n, 2),
            "prompt_tokens": sum(a.prompt_tokens for a in attempts),
            "completion_tokens": sum(a.completion_tokens for a in attempts),
            "tokens_per_attempt": round(sum(a.prompt_tokens + a.completion_tokens for a in attempts) / n),
            "seconds_per_attempt": round(sum(a.seconds for a in attempts) / n, 2),
            "hostile_cases_untested": self.untested,
            "by_kind": {kind: {"tasks": len(ts), "pass^1": round(sum(t.pass_hat(1) for t in ts) / len(ts), 4)}
                        for kind, ts in self._by_kind().items()},
        }

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "model": self.model, "models": self.models_seen, "k": self.k,
                "overall": self.overall(), "tasks": [t.as_json(self.k) for t in self.tasks]}

    def rows(self) -> list[dict[str, Any]]:
        """One row per task, for the people's table."""
        out = []
        for t in self.tasks:
            n = len(t.attempts) or 1
            out.append({
                "task": t.task.id, "kind": t.task.kind, "ok": f"{t.successes}/{len(t.attempts)}",
                f"pass^{self.k}": f"{t.pass_hat(self.k):.2f}", "viol": t.violations,
                "calls": f"{sum(a.model_calls for a in t.attempts) / n:.1f}",
                "tokens": _k(sum(a.prompt_tokens + a.completion_tokens for a in t.attempts) / n),
                "sec": f"{sum(a.seconds for a in t.attempts) / n:.1f}", "why": t.why,
            })
        return out

    def lines(self) -> list[str]:
        """The overall figures in words, under the table."""
        o = self.overall()
        hats = "  ".join(f"pass^{j} {v:.2f}" for j, v in o["pass^k"].items())
        reasons = ", ".join(f"{r} {n}" for r, n in self.reasons.most_common()) or "none"
        by_invariant = ", ".join(f"{i} {n}" for i, n in self.violations.most_common())
        return [
            f"model {self.model}" + (f" ({', '.join(self.models_seen)})" if self.models_seen else "")
            + f", {o['tasks']} tasks x k={self.k}",
            f"success {o['success']:.2f} ({o['successes']}/{o['attempts']} attempts)  {hats}",
            f"invariant violations {o['invariant_violations']}" + (f" ({by_invariant})" if by_invariant else ""),
            f"per attempt: {o['model_calls_per_attempt']} model calls, {o['tokens_per_attempt']} tokens, "
            f"{o['seconds_per_attempt']} s",
            f"failures by reason: {reasons}",
        ] + ([f"hostile cases whose instruction the adversarial model could not read (they test no defence): "
              f"{', '.join(self.untested)}"] if self.untested else [])

    @property
    def untested(self) -> list[str]:
        """Hostile cases in which the adversarial model found no instruction to obey: they test nothing."""
        return [t.task.id for t in self.tasks if any(a.obeyed == [] for a in t.attempts)]

    def _by_kind(self) -> dict[str, list[TaskResult]]:
        kinds: dict[str, list[TaskResult]] = {}
        for t in self.tasks:
            kinds.setdefault(t.task.kind, []).append(t)
        return kinds


def _k(tokens: float) -> str:
    return f"{tokens / 1000:.1f}k" if tokens >= 1000 else f"{tokens:.0f}"
