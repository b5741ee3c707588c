"""Projects, tasks on a board (todo -> doing -> done) and milestones with progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from modules.projects.model import Milestone, MilestoneProgress, Progress, Project, Task
from skills import SkillContext, SkillFailed, check_transition, fetch_one, skill

TaskStatus = Literal["todo", "doing", "done"]
MOVES = {"todo": {"doing", "done"}, "doing": {"todo", "done"}, "done": {"doing"}}


async def _project(ctx: SkillContext, project_id: int) -> Project:
    row = await fetch_one(
        ctx.db, "SELECT id, name, client FROM projects WHERE id = ?", (project_id,),
        missing=f"no project with id {project_id}; create one with projects_create")
    return Project(**row)


async def _task(ctx: SkillContext, task_id: int) -> Task:
    row = await fetch_one(
        ctx.db, "SELECT * FROM projects_tasks WHERE id = ?", (task_id,), missing=f"no task with id {task_id}")
    return Task(**row)


@skill(title="Create project",
       examples=("start a project for a client", "new project"),
       synonyms=("job", "engagement"),
       instructions="Starts a project (unique name), optionally for a client. Tasks and milestones hang off it.")
async def create(ctx: SkillContext, name: Annotated[str, Field(min_length=2, max_length=120)],
                 client: str | None = None) -> Project:
    """Create a project.

    Args:
        name: Project name, unique.
        client: Client the work is for.
    """
    if await ctx.db.fetchone("SELECT 1 FROM projects WHERE name = ?", (name,)):
        raise SkillFailed(f"a project named {name!r} already exists")
    result = await ctx.db.execute("INSERT INTO projects (name, client, created_at) VALUES (?, ?, ?)",
                                  (name, client, ctx.now_iso()))
    return Project(id=result.lastrowid or 0, name=name, client=client)


@skill(title="Add milestone",
       examples=("add a deadline to the project", "set a project checkpoint"),
       synonyms=("deadline", "checkpoint", "phase"),
       instructions="A dated checkpoint of a project; tasks can be attached to it to measure progress.")
async def add_milestone(ctx: SkillContext, project_id: int, title: Annotated[str, Field(min_length=2)],
                        due: date) -> Milestone:
    """Add a milestone with a due date to a project.

    Args:
        project_id: The project.
        title: What the milestone delivers.
        due: Due date, YYYY-MM-DD.
    """
    await _project(ctx, project_id)
    result = await ctx.db.execute("INSERT INTO projects_milestones (project_id, title, due) VALUES (?, ?, ?)",
                                  (project_id, title, due.isoformat()))
    return Milestone(id=result.lastrowid or 0, project_id=project_id, title=title, due=due.isoformat())


@skill(title="Add task",
       examples=("add a to-do to a project", "create a task"),
       synonyms=("to-do", "todo", "action item"),
       instructions="""
    Adds a task in `todo` with an estimate in hours (used for milestone progress), an optional
    assignee, due date and milestone of the same project.
    """)
async def add_task(
    ctx: SkillContext,
    project_id: int,
    title: Annotated[str, Field(min_length=2, max_length=200)],
    estimate_hours: Annotated[float, Field(gt=0, le=1000)] = 1.0,
    assignee: str | None = None,
    due: date | None = None,
    milestone_id: int | None = None,
) -> Task:
    """Add a task to a project.

    Args:
        project_id: The project.
        title: What needs doing.
        estimate_hours: Estimated effort in hours.
        assignee: Who does it.
        due: Due date, YYYY-MM-DD.
        milestone_id: Milestone of the same project this task counts toward.
    """
    await _project(ctx, project_id)
    if milestone_id is not None:
        await fetch_one(
            ctx.db, "SELECT 1 FROM projects_milestones WHERE id = ? AND project_id = ?", (milestone_id, project_id),
            missing=f"project {project_id} has no milestone {milestone_id}")
    result = await ctx.db.execute(
        "INSERT INTO projects_tasks (project_id, title, status, assignee, due, estimate_hours, milestone_id) "
        "VALUES (?, ?, 'todo', ?, ?, ?, ?)",
        (project_id, title, assignee, due.isoformat() if due else None, estimate_hours, milestone_id))
    return await _task(ctx, result.lastrowid or 0)


@skill(title="Move task",
       examples=("mark the task done", "start working on the task"),
       synonyms=("done", "doing", "complete", "board"),
       instructions="""
    Moves a task on the board: todo -> doing -> done, back from doing to todo, or reopen done ->
    doing. Emits task.done when a task is finished.
    """)
async def move_task(ctx: SkillContext, task_id: int, status: TaskStatus) -> Task:
    """Move a task to another board column.

    Args:
        task_id: The task.
        status: todo, doing or done.
    """
    task = await _task(ctx, task_id)
    check_transition(MOVES, task.status, status, what=f"task {task_id}")
    await ctx.db.execute("UPDATE projects_tasks SET status = ? WHERE id = ?", (status, task_id))
    if status == "done":
        await ctx.emit("task.done", {"id": task_id, "project_id": task.project_id})
    return await _task(ctx, task_id)


@skill(title="Project progress",
       examples=("how far along is the project", "project status and late tasks"),
       synonyms=("status", "late", "overdue", "how far"),
       read_only=True,
       instructions="""
       Per milestone: progress = estimated hours of done tasks / estimated hours of all its tasks, and
       whether it is late (due date passed, not complete). Also lists overdue open tasks.
       """)
async def progress(ctx: SkillContext, project_id: int) -> Progress:
    """Show milestone progress and overdue tasks of a project.

    Args:
        project_id: The project.
    """
    project = await _project(ctx, project_id)
    today = ctx.now().date().isoformat()
    rows = await ctx.db.fetchall(
        "SELECT m.id, m.title, m.due, COALESCE(SUM(t.estimate_hours), 0) AS total, "
        "COALESCE(SUM(CASE WHEN t.status = 'done' THEN t.estimate_hours END), 0) AS done "
        "FROM projects_milestones m LEFT JOIN projects_tasks t ON t.milestone_id = m.id WHERE m.project_id = ? "
        "GROUP BY m.id ORDER BY m.due", (project_id,))
    milestones = [MilestoneProgress(id=r["id"], title=r["title"], due=r["due"], done_hours=r["done"],
                                    total_hours=r["total"], progress=round(r["done"] / r["total"], 3) if r["total"]
                                    else 0.0, late=r["due"] < today and r["done"] < r["total"]) for r in rows]
    overdue = await ctx.db.fetchall("SELECT * FROM projects_tasks WHERE project_id = ? AND status != 'done' AND "
                                    "due < ? ORDER BY due", (project_id, today))
    return Progress(project=project, milestones=milestones, overdue_tasks=[Task(**r) for r in overdue])
