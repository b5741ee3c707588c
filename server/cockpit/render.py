"""The cockpit as HTML: exceptions first, then the heartbeat timeline and the activity feed.

Plain functions that return strings; every value from the database goes through ``e`` (HTML
escaping, quotes included), so a lead's name or a skill argument can never become markup.
Every action is a real ``<button>`` in a ``<form method="post">`` carrying the CSRF token: the
page works without JavaScript, by keyboard, and with a screen reader (labelled controls,
sections named by their headings). static.py's script only makes the same forms refresh the
panels in place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import urlencode

from server.cockpit import static
from server.cockpit.data import CALLERS, STATUSES, Snapshot, age

BASE = "/cockpit"
ARGUMENT_CHARS = 300


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(snap: Snapshot, csrf: str, *, poll_ms: int, flash: str = "", error: bool = False) -> str:
    count = snap.exceptions
    title = f"({count}) " if count else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}Exception cockpit - Pilothouse</title><style>{static.CSS}</style></head><body>"
            f'<header><h1>Exception cockpit</h1><p class="lede">What waits for a person on this Pilothouse '
            f"instance, most urgent first.</p></header>"
            f'<main id="cockpit" data-poll-ms="{poll_ms}" data-panels="{BASE}/panels">'
            f"{panels(snap, csrf, flash=flash, error=error)}</main>"
            f"<script>{static.JS}</script></body></html>")


def panels(snap: Snapshot, csrf: str, *, flash: str = "", error: bool = False) -> str:
    """Everything inside <main>: what the page polls and swaps in place."""
    agent = snap.agent
    parts = [_summary(snap)]
    parts.append(f'<p id="flash" role="status" class="{"error" if error else "ok"}">{e(flash)}</p>' if flash
                 else '<p id="flash" role="status"></p>')
    if agent is not None or snap.requests:  # with the agent off, only the requests automations queued
        parts.append(_requests(snap, csrf))
    parts += [_notifications(snap, csrf), _skills(snap, csrf), _health(snap), _deliveries(snap, csrf)]
    if agent is not None:
        parts += [_heartbeats(snap), _providers(snap)]
    parts.append(_activity(snap))
    return "".join(parts)


def _summary(snap: Snapshot) -> str:
    agent = (f"agent on, {e(snap.agent.mode)} mode" if snap.agent else
             "agent off: operations view (turn it on with <code>pilothouse agent enable</code>)")
    return (f'<p class="summary" id="summary"><span class="badge {e(snap.health.status)}">{e(snap.health.status)}'
            f"</span> {agent} &middot; {snap.exceptions} waiting for a person</p>")


def _form(action: str, csrf: str, label: str, aria: str, fields: dict[str, Any] | None = None,
          extra: str = "", css: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in (fields or {}).items())
    return (f'<form method="post" action="{BASE}/action/{action}" class="inline {css}">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}">{hidden}{extra}'
            f'<button type="submit" aria-label="{e(aria)}">{e(label)}</button></form>')


def _section(key: str, title: str, body: str, count: int | None = None) -> str:
    shown = f' <span class="count">{count}</span>' if count else ""
    return (f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{e(title)}{shown}</h2>'
            f"{body}</section>")


def _table(headers: list[str], rows: list[str], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{e(empty)}</p>'
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def readable(arguments: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items()) or "-"
    return text if len(text) <= ARGUMENT_CHARS else text[: ARGUMENT_CHARS - 1] + "…"


def _requests(snap: Snapshot, csrf: str) -> str:
    rows = []
    for r in snap.requests:
        what = f"{r['kind']} #{r['id']} ({r['skill']})"
        reason_id = f"reason-{r['id']}"
        reject = (f'<label for="{reason_id}">Reason</label>'
                  f'<input id="{reason_id}" name="reason" required maxlength="1000" '
                  f'placeholder="why not (the agent reads it)">')
        rows.append(
            f'<tr data-request="{r["id"]}"><td>{e(r["kind"])} #{r["id"]}</td><td><code>{e(r["skill"])}</code>'
            f'{_effects(r)}</td><td class="args">{e(readable(r["arguments"]))}{_outside(r)}</td>'
            f"<td>{e(r.get('reason') or '')}{_objective(r)}</td><td>{e(r['requested_by'])}</td>"
            f'<td title="{e(r["requested_at"])}">{e(age(r["requested_at"], snap.now))}</td>'
            f'<td class="actions">{_form("approve", csrf, "Approve", f"Approve {what}", {"id": r["id"]})}'
            f'{_form("reject", csrf, "Reject", f"Reject {what}", {"id": r["id"]}, reject, "reject")}</td></tr>')
    body = _table(["request", "skill", "arguments", "reason", "asked by", "waiting", "decide"], rows,
                  "Nothing waits for your approval.")
    title = "Approvals and proposals" if snap.agent is not None else "Approvals"  # no proposal without the agent
    return _section("requests", title, body, len(rows))


def _effects(r: dict[str, Any]) -> str:
    return f'<br><small class="effects">{e(", ".join(r["effects"]))}</small>' if r.get("effects") else ""


def _outside(r: dict[str, Any]) -> str:
    """What the run had read, written outside the business, before it asked: shown as text, never as markup."""
    reads = r.get("outside") or []
    if not reads:
        return ""
    items = "".join(f"<li><code>{e(x['skill'])} {e(x['field'])}</code>: {e(x['text'][:300])}</li>" for x in reads)
    return (f'<details class="outside" open><summary>Read before it, written outside the business '
            f"({len(reads)})</summary><ul>{items}</ul></details>")


def _objective(r: dict[str, Any]) -> str:
    return f'<br><small>for {e(r["objective"])}</small>' if r.get("objective") else ""


def _notifications(snap: Snapshot, csrf: str) -> str:
    rows = []
    for n in snap.notifications:
        button = _form("read", csrf, "Mark read", f"Mark notification #{n['id']} read", {"id": n["id"]})
        rows.append(f'<tr><td>{e(n["kind"])}</td><td><strong>{e(n["title"])}</strong><br>'
                    f'<span class="body">{e(n["body"])}</span></td><td>{e(age(n["created_at"], snap.now))}</td>'
                    f"<td>{button}</td></tr>")
    body = _table(["kind", "notification", "age", ""], rows, "No unread notifications.")
    if rows:
        body += _form("read", csrf, "Mark all read", "Mark every unread notification read", {"all": "1"})
    return _section("notifications", "Unread notifications", body, snap.unread)


def _skills(snap: Snapshot, csrf: str) -> str:
    rows = [f'<tr><td><code>{e(s.name)}</code></td><td>{e(s.problem)}</td><td>{e(s.detail)}</td><td>'
            + (_form("resume", csrf, "Resume", f"Resume {s.name}", {"name": s.name}) if s.resumable else "")
            + "</td></tr>" for s in snap.skills]
    body = _table(["skill", "problem", "detail", ""], rows, "Every skill is running.")
    return _section("skills", "Paused, broken and flagged skills", body, len(rows))


def _health(snap: Snapshot) -> str:
    report = snap.health
    findings = "".join(f'<li class="{e(f.severity)}"><strong>{e(f.kind)}</strong>: {e(f.message)}</li>'
                       for f in report.findings)
    drift = report.version.drift or {}
    drifted = "".join(f"<li>{e(kind)}: {e(', '.join(names))}</li>" for kind, names in drift.items() if names)
    body = (f'<p>Status <span class="badge {e(report.status)}">{e(report.status)}</span>, integrity '
            f"{report.integrity.score:.0%} ({report.integrity.checks_passed}/{report.integrity.checks_run} checks)."
            f"</p>" + (f"<ul>{findings}</ul>" if findings else '<p class="empty">No findings.</p>')
            + (f"<h3>What drifted from the baseline</h3><ul>{drifted}</ul>" if drifted else ""))
    return _section("health", "Health", body)


def _deliveries(snap: Snapshot, csrf: str) -> str:
    """What the modules asked a person to see (their ``Attention``): one row per item, with its Retry,
    after what keeps messages from going out at all (no mail server, a failing receiver)."""
    if not snap.exceptions_of and not snap.cannot_leave:
        return ""
    blocked = "".join(f'<li><strong>{e(p.title)}</strong>: {e(p.body)}</li>' for p in snap.cannot_leave)
    rows = []
    for group in snap.exceptions_of:
        for item in group.items:
            what = f"{group.label} #{item.id}"
            button = _form("retry", csrf, "Retry", f"Retry {what}", {"module": group.module, "id": item.id}) \
                if group.retry else ""
            rows.append(f"<tr><td>{e(what)}</td><td>{e(item.title)}</td><td>{e(item.detail)}</td>"
                        f"<td>{e(item.attempts)}</td><td>{button}</td></tr>")
    body = (f'<ul class="blocked">{blocked}</ul>' if blocked else "") + (
        _table(["item", "who / what", "what went wrong", "attempts", ""], rows,
               "" if blocked else "Nothing failed to go out.") if rows or not blocked else "")
    return _section("deliveries", "What cannot go out: failed messages and webhook deliveries", body,
                    len(rows) + len(snap.cannot_leave))


def _heartbeats(snap: Snapshot) -> str:
    assert snap.agent is not None
    rows = []
    for b in snap.agent.heartbeats:
        usage = b["detail"].get("usage") or {}
        tokens = (usage.get("prompt_tokens") or 0) + (usage.get("completion_tokens") or 0)
        rows.append(f'<tr><td>#{b["id"]}</td><td>{e(b["started_at"])}</td>'
                    f'<td><span class="badge {e(b["status"])}">{e(b["status"])}</span></td>'
                    f'<td>{e(usage.get("iterations", ""))}</td><td>{tokens or ""}</td>'
                    f'<td>{e(usage.get("provider", ""))}</td><td>{e(b["detail"].get("reason", ""))}</td></tr>')
    body = _table(["cycle", "started", "status", "iterations", "tokens", "provider", "reason"], rows,
                  "No heartbeat yet.")
    return _section("heartbeats", "Heartbeat timeline", body)


def _providers(snap: Snapshot) -> str:
    """The AI chain this server uses (keys never: only where each comes from), and other processes' chains."""
    assert snap.agent is not None
    rows = [f'<tr><td>{i}</td><td>{e(c["provider"])}</td><td>{e(c["model_fast"] or "first listed")} / '
            f'{e(c["model_reasoning"] or "same")}</td><td>{e(c["endpoint"])}</td><td>{e(c["origin"])}</td>'
            f'<td>{e(c["key"] or "")}</td><td>{e(c["cooldown"])}</td></tr>'
            for i, c in enumerate(snap.agent.providers, 1)]
    body = _table(["order", "provider", "models (fast / reasoning)", "endpoint", "set by", "key", "cooldown"], rows,
                  "No AI provider: heartbeats with work will fail. Set one: pilothouse providers set ...")
    body += "".join(f'<p class="error">{e(p)}</p>' for p in snap.agent.provider_problems)
    for view in snap.agent.elsewhere:
        chain = " → ".join(f"{c['provider']} ({c['origin']})" for c in view["chain"]["chain"]) or "no provider"
        body += f'<p>{e(view["role"])} {e(view["holder"])} (seen {e(view["seen_at"])}): {e(chain)}</p>'
    return _section("providers", "AI providers (this server's chain)", body)


def _activity(snap: Snapshot) -> str:
    feed = snap.feed

    def options(name: str, values: tuple[str, ...], chosen: str | None) -> str:
        opts = "".join(f'<option value="{v}"{" selected" if v == chosen else ""}>{v}</option>' for v in values)
        return (f'<label for="f-{name}">{name.title()}</label><select id="f-{name}" name="{name}">'
                f'<option value="">any</option>{opts}</select>')

    filters = (f'<form method="get" action="{BASE}" class="filters" aria-label="Filter the activity feed">'
               f"{options('caller', CALLERS, feed.caller)}"
               f'<label for="f-skill">Skill</label><input id="f-skill" name="skill" value="{e(feed.skill or "")}">'
               f"{options('status', STATUSES, feed.status)}<button type=\"submit\">Filter</button></form>")
    rows = [f'<tr><td>{a["id"]}</td><td>{e(a["ts"])}</td><td>{e(a["caller"])}{e(_who(a))}</td>'
            f'<td><code>{e(a["skill"])}</code>'
            f'</td><td>{e(a["status"])}</td><td>{e(a["outcome"])}</td>'
            f'<td class="args">{e((a["error"] if a["status"] != "ok" else a["output_summary"]) or "")[:200]}</td></tr>'
            for a in snap.activity]
    body = filters + _table(["#", "time", "caller", "skill", "status", "outcome", "result"], rows, "No calls match.")
    query = {k: v for k, v in (("caller", feed.caller), ("skill", feed.skill), ("status", feed.status)) if v}
    links = []
    if feed.offset > 0:
        links.append(f'<a href="{BASE}?{e(urlencode({**query, "offset": max(0, feed.offset - feed.limit)}))}">'
                     f"Newer</a>")
    if feed.offset + feed.limit < snap.activity_total:
        links.append(f'<a href="{BASE}?{e(urlencode({**query, "offset": feed.offset + feed.limit}))}">Older</a>')
    shown = f"{feed.offset + 1}-{feed.offset + len(rows)} of {snap.activity_total}" if rows else "0"
    body += f'<nav aria-label="Activity pages" class="pages">{shown} {" ".join(links)}</nav>'
    return _section("activity", "Activity feed", body)


def login(message: str = "") -> str:
    note = f'<p role="alert" class="error">{e(message)}</p>' if message else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in - Pilothouse cockpit</title>'
            f"<style>{static.CSS}</style></head><body><header><h1>Exception cockpit</h1></header><main>{note}"
            f'<form method="post" action="{BASE}/login" class="login"><label for="token">Access token</label>'
            f'<input id="token" name="token" type="password" required autocomplete="current-password">'
            f'<button type="submit">Sign in</button><p>The same token MCP clients send '
            f"(<code>PILOTHOUSE_TOKEN</code>).</p></form></main></body></html>")


def _who(row: Mapping[str, Any]) -> str:
    """The caller's name beside its kind ("mcp (ada)"), when the row has one."""
    return f" ({row['caller_name']})" if row.get("caller_name") else ""
