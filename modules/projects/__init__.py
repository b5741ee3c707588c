"""Projects: tasks on a board, milestones with progress, overdue work."""

from modules.projects import work
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
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


module = Module(
    id="projects",
    name="Projects",
    description="Projects with tasks on a board, milestones with progress and overdue tasks.",
    category="operations",
    version="1.0.0",
    skills=(work.create, work.add_milestone, work.add_task, work.move_task, work.progress),
    migrations=(Migration(1, """
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            client TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE projects_milestones (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            title TEXT NOT NULL,
            due TEXT NOT NULL
        );
        CREATE TABLE projects_tasks (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            title TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done')),
            assignee TEXT,
            due TEXT,
            estimate_hours REAL NOT NULL,
            milestone_id INTEGER REFERENCES projects_milestones(id)
        );
    """),),
    seed_demo=seed_demo,
)
