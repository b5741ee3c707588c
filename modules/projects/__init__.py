"""Projects: tasks on a board, milestones with progress, overdue work."""

from modules.projects import demo, work
from modules.projects.schema import MIGRATIONS
from skills import Module

module = Module(
    id="projects",
    name="Projects",
    description="Projects with tasks on a board, milestones with progress and overdue tasks.",
    category="operations",
    version="1.0.0",
    skills=(work.create, work.add_milestone, work.add_task, work.move_task, work.progress),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
