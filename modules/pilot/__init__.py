"""Pilot: the opt-in agent (Pattern 1). Off by default; every business module works without it.

Its skills are the agent's own working tools (objectives, memory, the activity feed,
runs); admin notifications, approvals and paused skills are the platform's, served by the
always-on ``ops`` system module (server/ops/). The heartbeat, scheduler and bootstrap that make it
autonomous live in the server (``server/agent``, ``server/scheduler``); this module
only holds SQL on the core tables and never imports the server.
"""

from modules.pilot import feed, memory, objectives
from modules.pilot.settings import PilotSettings
from skills import Module

module = Module(
    id="pilot",
    name="Pilot (agent)",
    description="The autonomous operator: objectives, memory and the activity feed; drives the heartbeat.",
    category="agent",
    version="1.0.0",
    skills=(
        objectives.create_objective, objectives.list_objectives, objectives.update_objective_step,
        objectives.complete_objective, objectives.set_objective_status,
        memory.memory_set, memory.memory_get, memory.memory_search,
        feed.activity_feed, feed.list_runs,
    ),
    enabled_by_default=False,
    agent_only=True,
    settings=PilotSettings,
)
