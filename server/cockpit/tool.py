"""``ops_cockpit``: the cockpit's exceptions as a tool result, and the tool the MCP App hangs on.

A host that renders MCP Apps shows the ``ui://`` cockpit inline when this tool is called (the
tool's ``_meta.ui.resourceUri``, app_resource.py); the App then calls this tool again for fresh
data. A host without Apps gets the same record: ``summary`` first, one line a person reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server import previews
from server.cockpit.data import Snapshot, age, gather
from server.cockpit.render import readable
from skills import Preview, Record, SkillContext, skill

if TYPE_CHECKING:
    from server.app import App


class Request(Record):
    id: int
    kind: str
    skill: str
    arguments: str
    reason: str | None
    requested_by: str
    waiting: str
    preview: Preview | None = None  # what approving it does, in words, with the records concerned


class Item(Record):
    id: int | None = None
    name: str
    detail: str
    resumable: bool = False  # a paused or circuit-broken skill: ops_resume_skill brings it back


class Cockpit(Record):
    summary: str
    health: str
    agent: str  # "off", or the mode it runs in
    requests: list[Request]
    notifications: list[Item]
    skills: list[Item]  # paused or circuit-broken (resumable) and flagged
    failed_messages: list[Item]
    failed_deliveries: list[Item]
    findings: list[str]


def cockpit_record(snap: Snapshot) -> Cockpit:
    agent = snap.agent
    requests = [Request(id=r["id"], kind=r["kind"], skill=r["skill"], arguments=readable(r["arguments"]),
                        reason=r.get("reason"), requested_by=r["requested_by"],
                        waiting=age(r["requested_at"], snap.now), preview=previews.loaded(r.get("preview")))
                for r in snap.requests]
    notes = [Item(id=n["id"], name=n["title"], detail=n["body"]) for n in snap.notifications]
    skills = [Item(name=s.name, detail=f"{s.problem}{': ' + s.detail if s.detail else ''}", resumable=s.resumable)
              for s in snap.skills]
    mails = [Item(id=m["id"], name=m["recipient"] or "", detail=f"{m['error_kind']}: {m['last_error']}")
             for m in snap.outbox or []]
    hooks = [Item(id=d["id"], name=d["event"], detail=f"{d['error_kind']}: {d['last_error']}")
             for d in snap.deliveries or []]
    counts = [(len(requests), "approval(s) or proposal(s) to decide"), (snap.unread, "unread notification(s)"),
              (sum(s.resumable for s in snap.skills), "paused or broken skill(s)"),
              (len(mails) + len(hooks), "failed message(s) or webhook delivery(ies)")]
    waiting = "; ".join(f"{n} {what}" for n, what in counts if n)
    summary = (f"health {snap.health.status}; agent {'off' if agent is None else agent.mode}; "
               + (f"waiting for a person: {waiting}" if waiting else "nothing waits for a person"))
    return Cockpit(summary=summary, health=snap.health.status, agent="off" if agent is None else agent.mode,
                   requests=requests, notifications=notes, skills=skills, failed_messages=mails,
                   failed_deliveries=hooks, findings=[f"{f.kind}: {f.message}" for f in snap.health.findings])


def cockpit_skill(app: App) -> Any:
    @skill(name="ops_cockpit", title="Exception cockpit", category="system", read_only=True,
           examples=("what needs my attention", "open the cockpit", "anything waiting for me"),
           synonyms=("cockpit", "dashboard", "exceptions", "attention", "supervise"), instructions="""
           Everything that waits for a person, most urgent first: the agent's pending approvals and
           shadow proposals (with the agent on), unread notifications, paused or circuit-broken skills,
           health findings, failed emails and webhook deliveries. Hosts that render MCP Apps show it as
           an interactive cockpit; decide with ops_approve / ops_reject, ops_resume_skill,
           ops_mark_notifications_read, email_retry_failed, webhooks_redeliver. The same page is at
           /cockpit on `pilothouse serve --http`.
           """)
    async def cockpit(ctx: SkillContext) -> Cockpit:
        """Show what waits for a person: approvals, notifications, broken skills, health, failed deliveries."""
        return cockpit_record(await gather(app))

    return cockpit
