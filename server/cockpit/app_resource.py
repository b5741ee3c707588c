"""The cockpit as an MCP App (the MCP Apps extension): a ``ui://`` resource the host renders inline.

The resource is HTML with the MIME type ``text/html;profile=mcp-app``; the ``ops_cockpit`` tool
names it in ``_meta.ui.resourceUri``, so a host that supports Apps shows it when the tool is
called, in a sandboxed iframe. The App speaks JSON-RPC with the host over ``postMessage``:
``ui/initialize`` (then ``ui/notifications/initialized``), the tool's result as
``ui/notifications/tool-result``, and ``tools/call`` sent through the host for fresh data and
for every button, to the same MCP tools a chat would call (ops_approve, ops_reject,
ops_resume_skill, ops_mark_notifications_read, and the retry tool each failed item names). The server
cannot tell a click relayed by the host from the model's own call, so deciding a request is asked
again in the host's form (a host without forms is told to decide in the web cockpit or the CLI),
and the resume's ``confirm`` counts only where the host has no form. Each
request shows its preview: what approving it does, in words, naming the records concerned.
Hosts without Apps never read the resource and show the tool's ordinary result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.cockpit import static

if TYPE_CHECKING:
    from server.mcp.surface import Surface

APP_URI = "ui://pilothouse/cockpit"
APP_MIME = "text/html;profile=mcp-app"
TOOL = "ops_cockpit"
PROTOCOL = "2026-01-26"  # the MCP Apps extension's stable revision

SCRIPT = """
(() => {
  let next = 1; const waiting = new Map();
  const send = (m) => window.parent.postMessage(m, '*');
  const request = (method, params) => new Promise((ok, fail) => {
    const id = next++; waiting.set(id, {ok, fail}); send({jsonrpc: '2.0', id, method, params});
  });
  const call = (name, args) => request('tools/call', {name, arguments: args || {}});
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const n = document.createElement(tag);
    if (text !== undefined) n.textContent = text; if (cls) n.className = cls; return n; };
  function button(label, aria, run) {
    const b = el('button', label); b.type = 'button'; b.setAttribute('aria-label', aria);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { const r = await run(); say(r && r.isError ? text(r) : 'done: ' + aria, r && r.isError); }
      catch (err) { say(String(err.message || err), true); }
      await refresh();
    });
    return b;
  }
  const text = (r) => ((r.content || []).find((c) => c.type === 'text') || {}).text || '';
  function say(msg, bad) { const f = $('flash'); f.textContent = msg; f.className = bad ? 'error' : 'ok'; }
  function list(id, items, row) {
    const box = $(id); box.replaceChildren();
    if (!items.length) { box.append(el('p', 'Nothing here.', 'empty')); return; }
    const ul = el('ul'); items.forEach((i) => { const li = el('li'); row(li, i); ul.append(li); }); box.append(ul);
  }
  function render(data) {
    if (!data) return;
    $('summary').textContent = data.summary;
    $('requests-panel').hidden = data.agent === 'off' && !data.requests.length;
    list('requests', data.requests, (li, r) => {
      li.append(el('div', r.kind + ' #' + r.id + ' ' + r.skill, 'note'));
      const p = r.preview;  // what approving does, in words, naming each record
      if (p) {
        li.append(el('strong', p.summary));
        const ul = el('ul', undefined, 'consequences');
        (p.lines || []).forEach((l) => ul.append(el('li', l.text + (l.record ? ' (' + l.record.label + ')' : ''))));
        if (ul.children.length) li.append(ul);
        if (p.note) li.append(el('div', p.note, 'note'));
      } else li.append(el('div', r.arguments, 'args'));
      li.append(el('div', (r.reason || '') + ' (' + r.requested_by + ', waiting ' + r.waiting + ')'));
      const reason = el('input'); reason.placeholder = 'reason (the agent reads it)';
      reason.setAttribute('aria-label', 'Reason for rejecting ' + r.kind + ' #' + r.id);
      li.append(button('Approve', 'Approve ' + r.kind + ' #' + r.id, () => call('ops_approve', {approval_id: r.id})),
        reason, button('Reject', 'Reject ' + r.kind + ' #' + r.id, () => reason.value.trim()
          ? call('ops_reject', {approval_id: r.id, reason: reason.value.trim()})
          : Promise.reject(new Error('give a reason first'))));
    });
    list('notifications', data.notifications, (li, n) => { li.append(el('strong', n.name), el('div', n.detail),
      button('Mark read', 'Mark notification #' + n.id + ' read',
        () => call('ops_mark_notifications_read', {ids: [n.id]}))); });
    list('skills', data.skills, (li, s) => { li.append(el('code', s.name), el('span', ' ' + s.detail));
      if (s.resumable) li.append(button('Resume', 'Resume ' + s.name,
        () => call('ops_resume_skill', {name: s.name, confirm: true}))); });
    list('failed', data.failed, (li, f) => { li.append(el('span', f.what + ' ' + f.name + ': ' + f.detail));
      if (f.retry_tool) li.append(button('Retry', 'Retry ' + f.what, () => call(f.retry_tool, f.retry_arguments))); });
    list('findings', data.findings.map((x) => ({x})), (li, f) => li.append(el('span', f.x)));
  }
  async function refresh() {
    try { const r = await call('ops_cockpit', {}); render(r.structuredContent); }
    catch (err) { say('could not refresh: ' + (err.message || err), true); }
  }
  window.addEventListener('message', (ev) => {
    const m = ev.data; if (!m || m.jsonrpc !== '2.0') return;
    if (m.id !== undefined && waiting.has(m.id) && !m.method) {
      const w = waiting.get(m.id); waiting.delete(m.id);
      m.error ? w.fail(new Error(m.error.message)) : w.ok(m.result); return;
    }
    if (m.method === 'ui/notifications/tool-result') render((m.params || {}).structuredContent);
  });
  request('ui/initialize', {protocolVersion: '__PROTOCOL__', appInfo: {name: 'pilothouse-cockpit', version: '1'},
    appCapabilities: {}}).then(() => { send({jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {}});
    refresh(); setInterval(refresh, 15000); }, (err) => say('the host did not start the app: ' + err.message, true));
})();
"""


def app_html() -> str:
    """The App: the page's look, with panels the script fills from ``ops_cockpit``'s structured result."""
    def panel(key: str, title: str) -> str:
        return (f'<section id="{key}-panel" aria-labelledby="{key}-h"><h2 id="{key}-h">{title}</h2>'
                f'<div id="{key}" aria-live="polite"></div></section>')

    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Exception cockpit</title>'
            f"<style>{static.CSS}</style></head><body><header><h1>Exception cockpit</h1>"
            f'<p class="lede" id="summary">Loading...</p></header><main><p id="flash" role="status"></p>'
            f'{panel("requests", "Approvals and proposals")}{panel("notifications", "Unread notifications")}'
            f'{panel("skills", "Paused, broken and flagged skills")}'
            f'{panel("failed", "What failed to go out")}{panel("findings", "Health findings")}'
            f"</main><script>{SCRIPT.replace('__PROTOCOL__', PROTOCOL)}</script></body></html>")


def install(surface: Surface) -> None:
    """List the App as a resource and link it from ``ops_cockpit`` in tools/list."""
    async def read() -> str:
        return app_html()

    surface.add_resource(APP_URI, "exception cockpit", "The supervisor's exception cockpit as an MCP App: pending "
                         "approvals, notifications, broken skills, failed deliveries, with their buttons.", read,
                         mime_type=APP_MIME)
    surface.tool_meta[TOOL] = {"ui": {"resourceUri": APP_URI}}
