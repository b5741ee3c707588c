"""Projects: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    result = await ctx.db.execute("INSERT INTO projects (name, client, created_at) VALUES "
                                  "('Website refresh', 'Blue Harbor Studio', ?)", (ctx.now_iso(),))
    project = result.lastrowid
    due = ctx.now().date().replace(day=28).isoformat()
    added = await ctx.db.execute("INSERT INTO projects_milestones (project_id, title, due) VALUES (?, 'Launch', ?)",
                                 (project, due))
    milestone = added.lastrowid
    for title, status, hours in (("Wireframes", "done", 6), ("Copywriting", "doing", 8), ("QA pass", "todo", 4)):
        await ctx.db.execute("INSERT INTO projects_tasks (project_id, title, status, estimate_hours, milestone_id) "
                             "VALUES (?, ?, ?, ?, ?)", (project, title, status, hours, milestone))
