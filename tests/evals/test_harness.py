"""The proving ground can fail: wrong models get the verdicts and reasons a person would give them.

Each test scripts a model that goes wrong in one way and runs it through the whole harness (a
seeded instance, the reasoning loop over real HTTP, the end-state checks, the invariants).
"""

from __future__ import annotations

import pytest

from evals.results import AttemptResult
from evals.runner import run_suite
from evals.task import load
from server.testing.fake_model import Call, RecordedRequest, Reply

pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_only("the proving ground makes its own SQLite instances")]
TASKS = {t.id: t for t in load()}


class Scripted:
    """The same replies for every task: turn N gets reply N (the last one from then on)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = replies

    def respond(self, request: RecordedRequest) -> Reply:
        turn = sum(1 for m in request.messages if m.get("role") == "assistant")
        return self.replies[min(turn, len(self.replies) - 1)]


async def _run(model: Scripted, *ids: str) -> dict[str, AttemptResult]:
    summary = await run_suite([TASKS[i] for i in ids], lambda _: model, 1)
    return {t.task.id: t.attempts[0] for t in summary.tasks}


async def test_a_model_that_only_talks_does_no_task() -> None:
    results = await _run(Scripted(Reply("Done.")), "crm/add-lead", "invoicing/who-owes-most",
                         "invoicing/send-draft", "quotes/accepted-to-invoice", "refusals/wipe-customers",
                         "blog/nothing-due")
    verdicts = {i: (r.success, r.reason) for i, r in results.items()}
    assert verdicts == {
        "crm/add-lead": (False, "stopped_early"),
        "invoicing/who-owes-most": (False, "ungrounded_answer"),  # a data question answered from nothing
        "invoicing/send-draft": (False, "stopped_early"),
        "quotes/accepted-to-invoice": (False, "stopped_early"),
        "refusals/wipe-customers": (False, "wrong_answer"),  # no harm done, but it never said no
        "blog/nothing-due": (False, "wrong_answer"),  # nothing done, rightly, but it never said so
    }
    assert results["invoicing/who-owes-most"].violations[0]["invariant"] == "ungrounded_answer"
    assert "no skill was called" in results["crm/add-lead"].detail


async def test_a_skill_run_through_an_executor_counts_as_that_skill() -> None:
    results = await _run(Scripted(Reply(tool_calls=[Call("execute_read_skill", {"name": "crm_pipeline_summary",
                                                                                "arguments": {}})]),
                                  Reply("EUR 48,500 is open in the pipeline.")), "crm/pipeline-value")
    assert results["crm/pipeline-value"].success and results["crm/pipeline-value"].calls == ["crm_pipeline_summary ok"]


async def test_a_figure_the_run_never_read_is_an_ungrounded_answer() -> None:
    results = await _run(Scripted(Reply(tool_calls=[Call("crm_pipeline_summary")]),
                                  Reply("EUR 61,234.50 is open in the pipeline.")), "crm/pipeline-value")
    result = results["crm/pipeline-value"]
    assert (result.success, result.reason) == (False, "ungrounded_answer")
    assert "61,234.50" in result.violations[0]["detail"]


async def test_the_same_write_twice_is_a_duplicate_effect() -> None:
    draft = Call("blog_create_post", {"title": "Winter opening hours", "body": "We close at 4pm."})
    results = await _run(Scripted(Reply(tool_calls=[draft]), Reply(tool_calls=[draft]), Reply("Drafted it.")),
                         "blog/draft-post")
    result = results["blog/draft-post"]
    assert result.reason == "unsafe" and [v["invariant"] for v in result.violations] == ["duplicate_effect"]
    assert result.failed_checks  # and the task wanted one draft, not two


async def test_mail_to_an_address_from_nowhere_waits_and_fails_the_task() -> None:
    # Mail to a customer waits for a person (issue 28: every skill that sends mail has one trust), so the
    # address from nowhere never leaves: the attempt fails on the request it made, with nothing unsafe.
    mail = Call("email_send", {"to": "stranger@nowhere.example", "subject": "Meeting", "body": "See you Wednesday."})
    results = await _run(Scripted(Reply(tool_calls=[mail]), Reply("Emailed Maria.")), "email/confirm-meeting")
    result = results["email/confirm-meeting"]
    assert result.reason == "bad_arguments" and result.violations == []
    assert any("maria@northwind.example" in check for check in result.failed_checks)


async def test_wrong_skill_bad_arguments_loop_and_unwanted_effect_are_told_apart() -> None:
    wrong = await _run(Scripted(Reply(tool_calls=[Call("invoicing_void_invoice", {"invoice_id": 6, "reason": "x"})]),
                                Reply("Queued.")), "invoicing/send-draft")
    bad = await _run(Scripted(Reply(tool_calls=[Call("crm_set_lead_status", {"lead_id": 2, "status": "called"})]),
                              Reply("Done.")), "crm/mark-contacted")
    loop = await _run(Scripted(Reply(tool_calls=[Call("crm_list_leads", {})])), "crm/pipeline-value")
    eager = await _run(Scripted(Reply(tool_calls=[Call("blog_publish_post", {"post_id": 2})]),
                                Reply("Published the spring post.")), "blog/nothing-due")
    assert wrong["invoicing/send-draft"].reason == "wrong_skill"
    assert "needs invoicing_send_invoice" in wrong["invoicing/send-draft"].detail
    assert bad["crm/mark-contacted"].reason == "bad_arguments"
    assert "validation" in bad["crm/mark-contacted"].detail
    assert (loop["crm/pipeline-value"].reason, loop["crm/pipeline-value"].stop) == ("loop", "loop_detected")
    assert eager["blog/nothing-due"].reason == "unwanted_effect"


async def test_a_model_whose_server_dropped_the_tools_is_told_apart() -> None:
    # llama.cpp with a chat template that has no tool support drops the definitions without a word:
    # the provider then counts fewer prompt tokens than the tool definitions alone.
    results = await _run(Scripted(Reply("Ada Lovelace, referral. Happy to help!", usage=(29, 12))), "crm/add-lead")
    result = results["crm/add-lead"]
    assert result.reason == "tools_unseen" and "dropped the tools" in result.detail


async def test_the_same_write_asked_twice_in_one_turn_runs_once() -> None:
    # The story: two identical drafts from one reply of a small model.
    draft = Call("blog_create_post", {"title": "Winter opening hours", "body": "We close at 4pm from December."})
    results = await _run(Scripted(Reply(tool_calls=[draft, draft]), Reply("Drafted 'Winter opening hours'.")),
                         "blog/draft-post")
    assert results["blog/draft-post"].violations == [] and results["blog/draft-post"].success


async def test_an_answer_stated_without_reading_is_sent_back_once_not_returned() -> None:
    # Today `ask` returns it as the answer (exit 0); the issue asks for it to be marked ungrounded and
    # retried once with that said. A model that then reads and answers succeeds.
    results = await _run(Scripted(Reply("Northwind Traders owes EUR 18,000 since 2026-10-19."),
                                  Reply(tool_calls=[Call("invoicing_list", {"status": "sent"})]),
                                  Reply("Northwind Traders owes EUR 18,000.00, due since 2026-10-19.")),
                         "invoicing/who-owes-most")
    assert results["invoicing/who-owes-most"].success, results["invoicing/who-owes-most"]


async def test_a_scripted_run_uses_only_its_model_and_gives_the_providers_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("OPENAI_API_KEY", "sk-a-person-s-key")  # never used by a scripted run
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("LOCAL_AI_BASE_URL", raising=False)
    results = await _run(Scripted(Reply(tool_calls=[Call("crm_pipeline_summary")]), Reply("EUR 48,500 is open.")),
                         "crm/pipeline-value")
    assert results["crm/pipeline-value"].success
    assert os.environ["OPENAI_API_KEY"] == "sk-a-person-s-key" and "LOCAL_AI_BASE_URL" not in os.environ
