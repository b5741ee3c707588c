"""``pilothouse providers``: the AI provider chain, set once for every process of the instance.

    pilothouse providers                                   the chain this process uses, and each running
                                                           serve's and worker's (server/providers/views.py)
    pilothouse providers set local --url http://127.0.0.1:8080/v1          llama.cpp, vLLM, LM Studio...
    pilothouse providers set ollama --url http://127.0.0.1:11434 --model qwen3
    pilothouse providers set openai --key-stdin < key.txt                  or --key-env OPENAI_API_KEY
    pilothouse providers remove ollama
    pilothouse providers test [NAME]                       one tiny request to each (or one) provider
    pilothouse providers --reset NAME                      end a cooldown after fixing its cause

``set`` changes only what it is given (the rest of the provider's row stays) and keeps a key by
reference: ``--key-stdin`` writes it to the instance's secrets file (mode 0600, beside the
database; server/providers/secrets.py), ``--key-env`` names a variable. The environment still
overrides a stored field in the process that has it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.errors import ConfigError

COLUMNS = ["order", "provider", "available", "model_fast", "model_reasoning", "endpoint", "origin", "key", "window",
           "cooldown_until", "reason"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("providers", help="the AI provider chain: show, set, remove, test, clear cooldowns")
    parser.add_argument("--reset", metavar="NAME",
                        help="end a provider's cooldown after fixing it ('all' for every one)")
    add_json_flag(parser)
    parser.set_defaults(handler=providers)
    actions = parser.add_subparsers(dest="action", metavar="{set,remove,test}")
    p = actions.add_parser("set", help="add or change a provider for every process of this instance")
    p.add_argument("name", help="openai, gemini, ollama or local (any OpenAI-compatible server)")
    p.add_argument("--url", help="the endpoint (local: http://HOST:PORT/v1; ollama: http://HOST:11434)")
    p.add_argument("--model", help="the model for both tiers")
    p.add_argument("--model-fast", help="the model of the fast tier")
    p.add_argument("--model-reasoning", help="the model of the reasoning tier")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--key-stdin", action="store_true", help="read the key from stdin into the secrets file")
    key.add_argument("--key-env", metavar="VARIABLE", help="read the key from this environment variable")
    key.add_argument("--no-key", action="store_true", help="forget the provider's key reference")
    p.add_argument("--context", type=int, metavar="TOKENS", help="the model's context window, if its server does "
                   "not say it (llama.cpp and Ollama do)")
    p.add_argument("--position", type=int, metavar="N", help="its place in the chain (1 = tried first)")
    p.set_defaults(handler=set_provider)
    p = actions.add_parser("remove", help="take a provider out of the stored chain (and forget its stored key)")
    p.add_argument("name")
    p.set_defaults(handler=remove_provider)
    p = actions.add_parser("test", help="send one tiny request to each provider of the chain (or to NAME)")
    p.add_argument("name", nargs="?")
    add_json_flag(p)
    p.set_defaults(handler=test_providers)


async def providers(args: argparse.Namespace) -> int:
    from server.providers import PROVIDERS, ProviderChain, cooldown, usage, views

    if args.reset and args.reset != "all" and args.reset not in PROVIDERS:
        raise CliError(f"unknown provider {args.reset!r}; use one of {', '.join(PROVIDERS)} or 'all'")
    async with instance(args) as app:
        if args.reset:
            target = None if args.reset == "all" else args.reset
            cleared = await cooldown.clear(app.store, target, app.clock.now())
            line(f"cleared the cooldown of {args.reset}" if cleared else f"{args.reset}: nothing to clear")
            return 0
        try:
            async with ProviderChain.for_app(app) as chain:
                rows = await chain.status()
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        totals = await usage.totals(app.store)
        running = await views.recent(app.store, views.stale_before(app))
    if args.json:
        emit_json({"providers": rows, "usage": totals, "processes": running})
        return 0
    line("The chain this command uses (the stored chain, with this shell's environment on top):")
    table(rows, COLUMNS)
    if not any(r["configured"] for r in rows):
        line("\nNo provider is configured. Set one for every process, e.g.: pilothouse providers set local "
             "--url http://127.0.0.1:8080/v1")
    for view in running:
        used = " -> ".join(f"{c['provider']}:{c['model_fast'] or '?'} ({c['origin']})" for c in view["chain"]["chain"])
        line(f"\n{view['role']} {view['holder']} (seen {view['seen_at']}) uses: {used or 'no provider'}")
        for bad in view["chain"]["unusable"]:
            line(f"  {bad['provider']} is set but not usable there: {bad['reason']}")
    return 0


async def set_provider(args: argparse.Namespace) -> int:
    from server.providers import PROVIDERS, secrets, stored
    from server.providers.config import load_settings

    name = args.name
    if name not in PROVIDERS:
        raise CliError(f"unknown provider {name!r}; use one of {', '.join(PROVIDERS)}")
    if args.url and name != "ollama" and not args.url.startswith(("http://", "https://")):
        raise CliError(f"--url {args.url!r} must start with http:// or https:// (e.g. http://127.0.0.1:8080/v1)")
    if args.context is not None and args.context < 1024:
        raise CliError("--context is the model's context window in tokens, at least 1024 (e.g. 8192)")
    async with instance(args) as app:
        rows = {r.provider: r for r in await stored.load(app.store)}
        row = rows.get(name) or stored.StoredProvider(name, max((r.position for r in rows.values()), default=0) + 1)
        changes: dict[str, Any] = {k: v for k, v in {
            "base_url": args.url, "model_fast": args.model_fast or args.model,
            "model_reasoning": args.model_reasoning or args.model, "context_window": args.context,
            "position": args.position}.items() if v is not None}
        path = secrets.secrets_file(app.store)
        if args.key_stdin:
            secrets.write(path, name, _read_key(name))
            changes["key_ref"] = f"secret:{name}"
        elif args.key_env:
            changes["key_ref"] = f"env:{args.key_env}"
        elif args.no_key:
            changes["key_ref"] = None
        row = replace(row, **changes)
        await stored.save(app.store, row, app.clock.now().isoformat(timespec="seconds"))
        try:
            settings = await load_settings(app.store)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    spec = next((s for s in settings.providers if s.name == name), None)
    if spec is None:
        why = dict(settings.unusable).get(name, "it is not configured")
        line(f"{name}: stored, but not usable yet: {why}")
        return 1
    position = [s.name for s in settings.ordered()].index(name) + 1
    line(f"{name}: set for every process of this instance (chain position {position}): {spec.base_url}, models "
         f"{spec.models['fast'] or '(the first the server lists)'} / {spec.models['reasoning'] or '(same)'}"
         + (f", key {spec.key_ref}" if spec.key_ref else ""))
    if "env" in spec.origin:
        line(f"note: in this shell the environment overrides part of it ({spec.origin})")
    line("check it with: pilothouse providers test " + name)
    return 0


async def remove_provider(args: argparse.Namespace) -> int:
    from server.providers import secrets, stored

    async with instance(args) as app:
        rows = {r.provider: r for r in await stored.load(app.store)}
        if args.name not in rows:
            raise CliError(f"{args.name} is not in the stored chain (pilothouse providers shows it)")
        await stored.remove(app.store, args.name)
        if rows[args.name].key_ref == f"secret:{args.name}":
            secrets.write(secrets.secrets_file(app.store), args.name, None)
    line(f"{args.name}: removed from the stored chain (a process whose environment sets it still uses it)")
    return 0


async def test_providers(args: argparse.Namespace) -> int:
    from server.providers import ProviderChain

    async with instance(args) as app:
        async with ProviderChain.for_app(app) as chain:
            settings = await chain.ready()
        specs = [s for s in settings.ordered() if args.name in (None, s.name)]
        if not specs:
            raise CliError(f"{args.name or 'no provider'} is not in the chain this command uses: pilothouse providers")
        results = []
        for spec in specs:  # one provider at a time, alone: no failover, no cooldown, no usage row
            async with ProviderChain(None, app.clock, replace(settings, providers=(spec,))) as alone:
                results.append(await _try(alone, spec.name))
    if args.json:
        emit_json(results)
    else:
        table(results, ["provider", "ok", "model", "window", "seconds", "answer"])
    return 0 if all(r["ok"] for r in results) else 1


async def _try(chain: Any, name: str) -> dict[str, Any]:
    from server.providers import AllProvidersFailed, NoProviderAvailable

    try:
        config = await chain.resolve()
        window = await chain.window(config)
        result = await chain.complete([{"role": "user", "content": "Reply with the word OK."}], [], max_tokens=16)
    except (NoProviderAvailable, AllProvidersFailed) as exc:
        return {"provider": name, "ok": False, "model": None, "window": None, "seconds": None, "answer": str(exc)}
    return {"provider": name, "ok": True, "model": result.model, "window": f"{window.tokens} ({window.source})",
            "seconds": round(result.latency_ms / 1000, 2), "answer": (result.reply.content or "").strip()[:60]}


def _read_key(name: str) -> str:
    key = getpass.getpass(f"{name} API key: ") if sys.stdin.isatty() else sys.stdin.readline()
    key = key.strip()
    if not key:
        raise CliError("no key read from stdin; e.g. pilothouse providers set openai --key-stdin < key.txt")
    return key
