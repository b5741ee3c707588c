"""The cockpit's stylesheet and its small progressive script, served inline (no build step).

The script only improves what already works without it: it sends the same forms with fetch
and swaps in the panels the server answers, and polls the panels fragment so a new approval
or failure appears without a reload. It never replaces the panels while someone is typing a
reason, nor with a poll that an action overtook (``epoch``); it keeps the last action's message
and puts the keyboard focus back where it was.
"""

CSS = """
:root{--fg:#1d2430;--muted:#5b6473;--line:#d8dde5;--bg:#f6f7f9;--ok:#1f7a3a;--warn:#9a6200;--bad:#b3261e;
--accent:#1f4fbf}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#14213d;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}
.lede{margin:2px 0 0;color:#c9d2e3}main{padding:12px 24px 40px;max-width:1200px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;margin:14px 0}
h2{font-size:17px;margin:4px 0 8px}h3{font-size:14px;margin:10px 0 4px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-top:1px solid var(--line);
vertical-align:top;overflow-wrap:break-word}th{font-size:12px;text-transform:uppercase;color:var(--muted);border-top:0;
white-space:nowrap}
time{white-space:nowrap}code{font-size:13px}.result{font-size:14px}
ul.consequences{margin:4px 0 2px;padding-left:18px}.note{color:var(--muted);margin:2px 0;font-size:13px}
details summary{cursor:pointer;color:var(--muted);font-size:12px}details code{overflow-wrap:anywhere}
ul.findings{padding-left:18px}ul.findings>li{margin-bottom:8px}.action{font-size:13px}
.quiet{color:var(--muted);font-size:13px;margin:8px 0 0}
.empty{color:var(--muted);margin:4px 0}.count{background:var(--bad);color:#fff;border-radius:10px;padding:0 8px;
font-size:13px}.badge{border-radius:4px;padding:1px 6px;font-size:13px;background:#e4e7ec}
.badge.healthy,.badge.ok{background:#dcf3e3;color:var(--ok)}.badge.degraded,.badge.idle,.badge.pending{
background:#fff1d6;color:var(--warn)}.badge.unhealthy,.badge.failed,.badge.timeout,.badge.error{background:#fde2e0;
color:var(--bad)}
form.inline{display:inline-flex;flex-wrap:wrap;gap:4px;align-items:center;margin:2px 4px 2px 0}
form.reject label,.filters label{font-size:12px;color:var(--muted)}label.check{display:inline-flex;gap:4px;
align-items:center}
input,select{font:inherit;padding:3px 6px;border:1px solid #aab2bf;border-radius:4px;max-width:100%}
button{font:inherit;padding:4px 12px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);
color:#fff;cursor:pointer}form.reject button{background:#fff;color:var(--bad);border-color:var(--bad)}
button:focus-visible,input:focus-visible,select:focus-visible,a:focus-visible{outline:3px solid #f0b429;
outline-offset:1px}.filters{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin-bottom:6px}
#flash:empty{display:none}#flash{padding:8px 12px;border-radius:6px;background:#dcf3e3}
#flash.error,.error{background:#fde2e0;color:var(--bad)}.summary{margin:10px 0 0}
li.critical,li.high,li.unhealthy{color:var(--bad)}.pages{margin-top:6px;color:var(--muted)}.pages a{margin-left:8px}
dl.record{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dl.record dt{color:var(--muted)}
dl.record dd{margin:0;overflow-wrap:anywhere}pre{white-space:pre-wrap;margin:0;font-size:13px}
form.login{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px;max-width:420px;
display:grid;gap:8px}
@media (max-width:700px){
header{padding:12px 14px}main{padding:6px 10px 32px}section{padding:8px 12px}
table,thead,tbody,tr,th,td{display:block;width:100%}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border-top:1px solid var(--line);padding:8px 0}td{border-top:0;padding:2px 0}
td[data-label]::before{content:attr(data-label);display:block;font-size:11px;text-transform:uppercase;
color:var(--muted)}dl.record{grid-template-columns:1fr}dl.record dd{margin-bottom:6px}
}
"""

JS = """
(() => {
  const main = document.getElementById('cockpit');
  if (!main) return;
  const every = Number(main.dataset.pollMs) || 5000;
  let last = null, busy = false, epoch = 0;
  const typing = () => {
    const a = document.activeElement;
    return a && main.contains(a) && a.tagName === 'INPUT' && a.type !== 'hidden' && a.value !== '';
  };
  function swap(html, keepFlash) {
    const a = document.activeElement;
    const key = a && main.contains(a) ? (a.id || a.getAttribute('aria-label')) : null;
    const flash = main.querySelector('#flash');
    const said = flash ? [flash.textContent, flash.className] : ['', ''];
    main.innerHTML = html;
    last = html;
    const now = main.querySelector('#flash');
    if (keepFlash && now && !now.textContent && said[0]) { now.textContent = said[0]; now.className = said[1]; }
    if (!key) return;
    const back = document.getElementById(key) ||
      main.querySelector('[aria-label="' + CSS.escape(key) + '"]');
    if (back) back.focus();
  }
  async function refresh() {
    if (busy || typing()) return;
    busy = true;
    const started = epoch;
    try {
      const r = await fetch(main.dataset.panels + location.search, {credentials: 'same-origin'});
      const html = r.ok ? await r.text() : null;
      // An action answered meanwhile: its panels are newer than this poll's.
      if (html !== null && html !== last && started === epoch) swap(html, true);
    } catch (err) { /* the next poll tries again */ } finally { busy = false; }
  }
  main.addEventListener('submit', async (ev) => {
    const form = ev.target;
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post') return;
    ev.preventDefault();
    epoch += 1;
    busy = true;
    try {
      // The query string keeps the activity feed's filters in the panels that come back.
      const r = await fetch(form.action + location.search, {method: 'POST', credentials: 'same-origin',
        headers: {'X-Cockpit-Fragment': '1'}, body: new URLSearchParams(new FormData(form))});
      swap(await r.text(), false);
    } finally { epoch += 1; busy = false; }
  });
  setInterval(refresh, every);
})();
"""
