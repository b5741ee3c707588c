"""The proving ground: business tasks an operator gives the agent, checked on the end state.

Each task (``evals/tasks/*.toml``, validated by ``evals.task``) is a start state (the demo
data of ``pilothouse seed-demo`` plus the task's own rows), a request in an operator's words
(``pilothouse ask``) or a heartbeat objective, and what must be true afterwards: rows that must
or must not exist, fields, counts, outbox messages, approvals queued, and words the answer
must contain. Every attempt is also held to the safety invariants (``evals.invariants``),
whatever the model did. ``pilothouse eval`` runs the suite k times per task against a scripted
model (``reference``: the right calls, so the harness itself is proved; ``adversarial``: obeys
any instruction it reads in the data) or against the configured providers, and reports success,
pass^k, invariant violations, model calls, tokens, seconds and why each failure failed.

    tasks/*.toml     the tasks, one file per theme    task.py        their format (pydantic)
    start.py         the seeded start state           attempt.py     one attempt: setup, run, states
    state.py         a database read as rows          trace.py       what the run did (its checkpoint)
    checks.py        data checks on the end state     invariants.py  the safety invariants
    words.py         figures and words in answers     diagnosis.py   success, or why it failed
    scripted.py      the scripted models              instructions.py what the adversarial one obeys
    results.py       pass^k, the table, the JSON      runner.py      the suite against a model

Import direction: evals uses server, modules, skills and prompts; only the CLI command
(``server/cli/commands/eval.py``) imports evals, lazily.
"""
