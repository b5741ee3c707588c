"""The cockpit as HTML: exceptions first, then the heartbeat timeline and the activity feed.

Plain functions that return strings, written for an owner: each request says what approving it
does (its preview, server/previews.py) with links to the records concerned, results are words
(words.py), times are ages with the moment on hover. Every value from the database goes through
``e`` (HTML escaping, quotes included), after any cut (``short``), so user data can never become
markup nor leave half an entity behind. Tables carry their column name on each cell
(``data-label``), so a phone shows each row as a card (static.py). Every action is a real
``<button>`` in a ``<form method="post">`` carrying the CSRF token: the page works without
JavaScript, by keyboard, and with a screen reader (labelled controls, sections named by their
headings). static.py's script only makes the same forms refresh the panels in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from server import previews
from server.cockpit import static, words
from server.cockpit.data import CALLERS, STATUSES, Snapshot
from skills import Preview

BASE = "/cockpit"
_QUEUED = re.compile(r"\b(?:approval|proposal) #\d+")
ARGUMENT_CHARS = 300
RESULT_CHARS = 200


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def short(value: Any, limit: int) -> str:
    """``value`` cut to ``limit`` characters, then escaped (never the other way round)."""
    text = "" if value is None else " ".join(str(value).split())
    return e(text if len(text) <= limit else text[: limit - 1] + "…")


def when(stamp: str | None, now: datetime) -> str:
    """An age a person reads (``3 min ago``), the moment itself on hover and for machines."""
    if not stamp:
        return ""
    return f'<time datetime="{e(stamp)}" title="{e(words.moment(stamp, now))}">{e(words.ago(stamp, now))}</time>'


def record_link(table: str, record_id: int, label: str) -> str:
    return f'<a href="{BASE}/records/{e(table)}/{int(record_id)}">{e(label)}</a>'


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
    parts += [_notifications(snap, csrf), _skills(snap, csrf), _health(snap, csrf), _deliveries(snap, csrf)]
    if agent is not None:
        parts += [_heartbeats(snap), _providers(snap)]
    parts.append(_activity(snap))
    return "".join(parts)


def _summary(snap: Snapshot) -> str:
    agent = (f"agent on, {e(snap.agent.mode)} mode" if snap.agent else
             "agent off: operations view (turn it on with <code>pilothouse agent enable</code>)")
    waiting = "nothing waits for you" if not snap.exceptions else f"{snap.exceptions} waiting for you"
    return (f'<p class="summary" id="summary"><span class="badge {e(snap.health.status)}">{e(snap.health.status)}'
            f"</span> {agent} &middot; {waiting}</p>")


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


Row = tuple[str, list[str]]  # (the <tr>'s attributes, its cells' HTML)


def _table(headers: list[str], rows: list[Row], empty: str) -> str:
    """A table whose cells name their column (``data-label``): a phone lays each row out as a card."""
    if not rows:
        return f'<p class="empty">{e(empty)}</p>'
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    body = "".join(f"<tr{attrs}>" + "".join(f'<td data-label="{e(h)}">{cell}</td>' if h else f"<td>{cell}</td>"
                                            for h, cell in zip(headers, cells, strict=True)) + "</tr>"
                   for attrs, cells in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def readable(arguments: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items()) or "-"
    return text if len(text) <= ARGUMENT_CHARS else text[: ARGUMENT_CHARS - 1] + "…"


def consequence(preview: Preview | None, arguments: dict[str, Any]) -> str:
    """What approving does, in words, each line linking the record it names; the exact arguments folded."""
    exact = f'<details><summary>exact arguments</summary><code>{e(readable(arguments))}</code></details>'
    if preview is None:  # queued before previews existed
        return f"<strong>{short(previews.plain(arguments) or 'no arguments', ARGUMENT_CHARS)}</strong>{exact}"
    lines = "".join(
        f"<li>{short(line.text, ARGUMENT_CHARS)}"
        + (f" ({record_link(line.record.table, line.record.id, line.record.label)})" if line.record else "")
        + "</li>" for line in preview.lines)
    note = f'<p class="note">{short(preview.note, ARGUMENT_CHARS)}</p>' if preview.note else ""
    return (f'<strong>{short(preview.summary, ARGUMENT_CHARS)}</strong>'
            + (f'<ul class="consequences">{lines}</ul>' if lines else "") + note + exact)


def _requests(snap: Snapshot, csrf: str) -> str:
    rows: list[Row] = []
    for r in snap.requests:
        what = f"{r['kind']} #{r['id']} ({r['skill']})"
        reason_id = f"reason-{r['id']}"
        reject = (f'<label for="{reason_id}">Reason</label>'
                  f'<input id="{reason_id}" name="reason" required maxlength="1000" '
                  f'placeholder="why not (the agent reads it)">')
        rows.append((f' data-request="{r["id"]}"', [
            f'{e(r["kind"])} #{r["id"]}<br><code>{e(r["skill"])}</code>{_effects(r)}',
            consequence(previews.loaded(r.get("preview")), r["arguments"]) + _outside(r),
            f"{short(r.get('reason') or '', ARGUMENT_CHARS)}{_objective(r)}",
            f"{e(r['requested_by'])}, {when(r['requested_at'], snap.now)}",
            f'{_form("approve", csrf, "Approve", f"Approve {what}", {"id": r["id"]})}'
            f'{_form("reject", csrf, "Reject", f"Reject {what}", {"id": r["id"]}, reject, "reject")}']))
    body = _table(["request", "what it will do", "why", "asked", "decide"], rows, "Nothing waits for your approval.")
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
    return f'<br><small>for {short(r["objective"], ARGUMENT_CHARS)}</small>' if r.get("objective") else ""


def _notifications(snap: Snapshot, csrf: str) -> str:
    rows: list[Row] = []
    for n in snap.notifications:
        button = _form("read", csrf, "Mark read", f"Mark notification #{n['id']} read", {"id": n["id"]})
        rows.append(("", [f'<strong>{e(n["title"])}</strong><br><span class="body">{e(n["body"])}</span>',
                          when(n["created_at"], snap.now), button]))
    body = _table(["notification", "when", ""], rows, "No unread notifications.")
    if rows:
        body += _form("read", csrf, "Mark all read", "Mark every unread notification read", {"all": "1"})
    return _section("notifications", "Unread notifications", body, snap.unread)


def _skills(snap: Snapshot, csrf: str) -> str:
    rows: list[Row] = [("", [f"<code>{e(s.name)}</code>", e(s.problem), e(s.detail),
                             _form("resume", csrf, "Resume", f"Resume {s.name}", {"name": s.name}) if s.resumable
                             else ""]) for s in snap.skills]
    body = _table(["skill", "problem", "detail", ""], rows, "Every skill is running.")
    return _section("skills", "Paused, broken and flagged skills", body, len(rows))


def _health(snap: Snapshot, csrf: str) -> str:
    report = snap.health
    resumable = {s.name for s in snap.skills if s.resumable}
    items = []
    for f in report.findings:
        also = "".join(f"<li>{e(line)}</li>" for line in f.also)
        button = ""
        if f.subject.startswith("skill:") and f.subject[6:] in resumable:
            button = _form("resume", csrf, "Resume", f"Resume {f.subject[6:]}", {"name": f.subject[6:]})
        elif f.subject == "job:heartbeat":
            button = _form("reset", csrf, "Reset the backoff", "Reset the heartbeat's backoff")
        action = f'<br><span class="action">What to do: {e(f.action)}</span>' if f.action else ""
        items.append(f'<li class="{e(f.severity)}">{e(f.message)}{f"<ul>{also}</ul>" if also else ""}{action}'
                     f"{button}</li>")
    body = (f'<p>Status <span class="badge {e(report.status)}">{e(report.status)}</span>, integrity '
            f"{report.integrity.score:.0%} ({report.integrity.checks_passed}/{report.integrity.checks_run} checks)."
            f"</p>" + (f'<ul class="findings">{"".join(items)}</ul>' if items else '<p class="empty">No findings.</p>'))
    return _section("health", "Health", body)


def _deliveries(snap: Snapshot, csrf: str) -> str:
    """What the modules asked a person to see (their ``Attention``): one row per item, with its Retry,
    after what keeps messages from going out at all (no mail server, a failing receiver)."""
    if not snap.exceptions_of and not snap.cannot_leave:
        return ""
    blocked = "".join(f'<li><strong>{e(p.title)}</strong>: {e(p.body)}</li>' for p in snap.cannot_leave)
    rows: list[Row] = []
    for group in snap.exceptions_of:
        for item in group.items:
            what = f"{group.label} #{item.id}"
            button = _form("retry", csrf, "Retry", f"Retry {what}", {"module": group.module, "id": item.id}) \
                if group.retry else ""
            rows.append(("", [e(what), e(item.title), short(item.detail, RESULT_CHARS), e(item.attempts), button]))
    body = (f'<ul class="blocked">{blocked}</ul>' if blocked else "") + (
        _table(["item", "who / what", "what went wrong", "attempts", ""], rows,
               "" if blocked else "Nothing failed to go out.") if rows or not blocked else "")
    return _section("deliveries", "What cannot go out: failed messages and webhook deliveries", body,
                    len(rows) + len(snap.cannot_leave))


def _heartbeats(snap: Snapshot) -> str:
    assert snap.agent is not None
    rows: list[Row] = []
    for b in snap.agent.heartbeats:
        usage = b["detail"].get("usage") or {}
        tokens = (usage.get("prompt_tokens") or 0) + (usage.get("completion_tokens") or 0)
        who = " (asked by a person)" if b["detail"].get("requested_by") else ""
        rows.append(("", [f'#{b["id"]}', when(b["started_at"], snap.now),
                          f'<span class="badge {e(b["status"])}">{e(b["status"])}</span>{who}',
                          e(usage.get("iterations", "")), f"{tokens:,}" if tokens else "", e(usage.get("provider", "")),
                          short(b["detail"].get("reason", ""), RESULT_CHARS)]))
    body = _table(["cycle", "started", "status", "iterations", "tokens", "provider", "reason"], rows,
                  "No heartbeat yet.")
    return _section("heartbeats", "Heartbeat timeline", body)


def _providers(snap: Snapshot) -> str:
    """The AI chain this server uses (keys never: only where each comes from), and other processes' chains."""
    assert snap.agent is not None
    rows: list[Row] = [("", [str(i), e(c["provider"]), f'{e(c["model_fast"] or "first listed")} / '
                             f'{e(c["model_reasoning"] or "same")}', e(c["endpoint"]), e(c["origin"]),
                             e(c["key"] or ""), e(c["cooldown"])])
                       for i, c in enumerate(snap.agent.providers, 1)]
    body = _table(["order", "provider", "models (fast / reasoning)", "endpoint", "set by", "key", "cooldown"], rows,
                  "No AI provider: heartbeats with work will fail. Set one: pilothouse providers set ...")
    body += "".join(f'<p class="error">{e(p)}</p>' for p in snap.agent.provider_problems)
    for view in snap.agent.elsewhere:
        chain = " → ".join(f"{c['provider']} ({c['origin']})" for c in view["chain"]["chain"]) or "no provider"
        body += f'<p>{e(view["role"])} {e(view["holder"])} (seen {e(view["seen_at"])}): {e(chain)}</p>'
    return _section("providers", "AI providers (this server's chain)", body)


def result(row: dict[str, Any]) -> str:
    """A feed row's result in words: what the call did, or why it did not."""
    if row["status"] == "pending":  # the message was written for the model that asked; say it for the owner
        queued = _QUEUED.search(row["error"] or "")
        return f"queued for a person: {queued.group(0)}" if queued else "queued for a person"
    if row["status"] != "ok":
        return row["error"] or ""
    said = words.result(row["output_summary"])
    return f"dry run, nothing done: {said}" if row["outcome"] == "dry_run" else said


def _activity(snap: Snapshot) -> str:
    feed = snap.feed

    def options(name: str, values: tuple[str, ...], chosen: str | None) -> str:
        opts = "".join(f'<option value="{v}"{" selected" if v == chosen else ""}>{v}</option>' for v in values)
        return (f'<label for="f-{name}">{name.title()}</label><select id="f-{name}" name="{name}">'
                f'<option value="">any</option>{opts}</select>')

    checked = " checked" if feed.housekeeping else ""
    filters = (f'<form method="get" action="{BASE}" class="filters" aria-label="Filter the activity feed">'
               f"{options('caller', CALLERS, feed.caller)}"
               f'<label for="f-skill">Skill</label><input id="f-skill" name="skill" value="{e(feed.skill or "")}">'
               f"{options('status', STATUSES, feed.status)}"
               f'<label class="check"><input type="checkbox" name="housekeeping" value="1"{checked}> '
               f"platform housekeeping</label><button type=\"submit\">Filter</button></form>")
    rows: list[Row] = [("", [when(a["ts"], snap.now), e(a["caller"]) + e(_who(a)), f'<code>{e(a["skill"])}</code>',
                             f'<span class="badge {e(a["status"])}">{e(a["status"])}</span>',
                             f'<span class="result">{short(result(a), RESULT_CHARS)}</span>'])
                       for a in snap.activity]
    body = filters + _table(["when", "who", "skill", "status", "result"], rows, "No calls match.")
    query = {k: v for k, v in (("caller", feed.caller), ("skill", feed.skill), ("status", feed.status),
                               ("housekeeping", "1" if feed.housekeeping else None)) if v}
    links = []
    if feed.offset > 0:
        links.append(f'<a href="{BASE}?{e(urlencode({**query, "offset": max(0, feed.offset - feed.limit)}))}">'
                     f"Newer</a>")
    if feed.offset + feed.limit < snap.activity_total:
        links.append(f'<a href="{BASE}?{e(urlencode({**query, "offset": feed.offset + feed.limit}))}">Older</a>')
    shown = f"{feed.offset + 1}-{feed.offset + len(rows)} of {snap.activity_total}" if rows else "0"
    body += f'<nav aria-label="Activity pages" class="pages">{shown} {" ".join(links)}</nav>'
    if snap.quiet:
        counted = ", ".join(f"<code>{e(q['skill'])}</code> {int(q['calls']):,} run{'s' if q['calls'] != 1 else ''}"
                            for q in snap.quiet)
        body += f'<p class="quiet">Housekeeping that found nothing to do today (counted, not listed): {counted}</p>'
    return _section("activity", "Activity feed", body)


def login(message: str = "") -> str:
    note = f'<p role="alert" class="error">{e(message)}</p>' if message else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in - Pilothouse cockpit'
            f"</title><style>{static.CSS}</style></head><body><header><h1>Exception cockpit</h1></header><main>{note}"
            f'<form method="post" action="{BASE}/login" class="login"><label for="token">Access token</label>'
            f'<input id="token" name="token" type="password" required autocomplete="current-password">'
            f'<button type="submit">Sign in</button><p>The same token MCP clients send '
            f"(<code>PILOTHOUSE_TOKEN</code>).</p></form></main></body></html>")


def _who(row: Mapping[str, Any]) -> str:
    """The caller's name beside its kind ("mcp (ada)"), when the row has one."""
    return f" ({row['caller_name']})" if row.get("caller_name") else ""
