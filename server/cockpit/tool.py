"""``ops_cockpit``: the cockpit's exceptions as a tool result, and the tool the MCP App hangs on.

A host that renders MCP Apps shows the ``ui://`` cockpit inline when this tool is called (the
tool's ``_meta.ui.resourceUri``, app_resource.py); the App then calls this tool again for fresh
data. A host without Apps gets the same record: ``summary`` first, one line a person reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from server import previews
from server.cockpit.data import Snapshot, age, gather
from server.cockpit.render import readable
from skills import Preview, Record, SkillContext, skill
from skills.outside import Outside

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
    effects: list[str] = Field(default_factory=list)  # what it would do to the world (skills/effects.py)
    outside: Outside[list[str]] = Field(default_factory=list)  # text from outside its run read before asking
    preview: Preview | None = None  # what approving it does, in words, with the records concerned


class Item(Record):
    id: int | None = None
    name: str
    detail: str
    resumable: bool = False  # a paused or circuit-broken skill: ops_resume_skill brings it back


class Failed(Record):
    """An item a module asked a person to see, and the tool call that retries it (none: nothing to retry)."""

    module: str
    what: str  # "email #3"
    name: str
    detail: str
    retry_tool: str | None
    retry_arguments: dict[str, Any]


class Cockpit(Record):
    summary: str
    health: str
    agent: str  # "off", or the mode it runs in
    requests: list[Request]
    notifications: list[Item]
    skills: list[Item]  # paused or circuit-broken (resumable) and flagged
    failed: list[Failed]  # what the modules' Attention hooks returned: failed messages, deliveries...
    cannot_leave: list[Item]  # what keeps messages from going out now: no mail server, a failing receiver...
    findings: list[str]


def cockpit_record(snap: Snapshot) -> Cockpit:
    agent = snap.agent
    requests = [Request(id=r["id"], kind=r["kind"], skill=r["skill"], arguments=readable(r["arguments"]),
                        reason=r.get("reason"), requested_by=r["requested_by"],
                        waiting=age(r["requested_at"], snap.now), effects=r.get("effects") or [],
                        outside=[f"{x['skill']} {x['field']}: {x['text'][:300]}" for x in r.get("outside") or []],
                        preview=previews.loaded(r.get("preview")))
                for r in snap.requests]
    notes = [Item(id=n["id"], name=n["title"], detail=n["body"]) for n in snap.notifications]
    skills = [Item(name=s.name, detail=f"{s.problem}{': ' + s.detail if s.detail else ''}", resumable=s.resumable)
              for s in snap.skills]
    failed = [Failed(module=g.module, what=f"{g.label} #{i.id}", name=i.title, detail=i.detail, retry_tool=g.retry,
                     retry_arguments=g.retry_arguments(i.id) if g.retry else {})
              for g in snap.exceptions_of for i in g.items]
    blocked = [Item(name=p.title, detail=p.body) for p in snap.cannot_leave]
    counts = [(len(requests), "approval(s) or proposal(s) to decide"), (snap.unread, "unread notification(s)"),
              (sum(s.resumable for s in snap.skills), "paused or broken skill(s)"),
              (len(failed), "failed item(s): messages, deliveries")]
    waiting = "; ".join([f"{n} {what}" for n, what in counts if n] + [p.title for p in snap.cannot_leave])
    summary = (f"health {snap.health.status}; agent {'off' if agent is None else agent.mode}; "
               + (f"waiting for a person: {waiting}" if waiting else "nothing waits for a person"))
    return Cockpit(summary=summary, health=snap.health.status, agent="off" if agent is None else agent.mode,
                   requests=requests, notifications=notes, skills=skills, failed=failed, cannot_leave=blocked,
                   findings=[f"{f.kind}: {f.message}" for f in snap.health.findings])


def cockpit_skill(app: App) -> Any:
    @skill(name="ops_cockpit", title="Exception cockpit", category="system", read_only=True,
           examples=("what needs my attention", "open the cockpit", "anything waiting for me"),
           synonyms=("cockpit", "dashboard", "exceptions", "attention", "supervise"), instructions="""
           Everything that waits for a person, most urgent first: the agent's pending approvals and
           shadow proposals (with the agent on), unread notifications, paused or circuit-broken skills,
           health findings, and what the modules report as failed (emails, webhook deliveries), each
           with the tool that retries it. Hosts that render MCP Apps show it as an interactive
           cockpit; decide with ops_approve / ops_reject, ops_resume_skill, ops_mark_notifications_read
           and each failed item's retry_tool. The same page is at /cockpit on `pilothouse serve --http`.
           """)
    async def cockpit(ctx: SkillContext) -> Cockpit:
        """Show what waits for a person: approvals, notifications, broken skills, health, failed deliveries."""
        return cockpit_record(await gather(app))

    return cockpit
