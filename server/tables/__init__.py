"""The owners of the core tables: each module here holds every statement on one table family.

    skill_state     modules, skills, skill_state: what is enabled, paused, circuit-broken
    memory          memory: the agent's documents, notes and the runtime's small state
    runs            runs and heartbeats: reasoning-loop checkpoints and heartbeat cycles
    approvals       approvals: requests a person decides
    activity        activity: one row per skill call (and the redaction of what it records)
    notifications   notifications: what the administrator is told

Everything else (the CLI, the MCP surface, the agent, health) calls these functions and never
writes SQL on a core table itself, so a table's rules (and, later, its PostgreSQL dialect)
live in one place. Module tables belong to their modules.
"""
