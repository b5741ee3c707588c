"""Operations: what the operator must hear about, with or without the agent (Pattern 1).

Admin notifications (a skill auto-paused, an approval failed, the instance is unhealthy),
paused skills and open circuit breakers are the platform's, not the agent's: the ``ops``
system module is always on, so a person (over MCP, or ``pilothouse notifications`` in the
CLI) and the agent alike can read them and resume what was paused.

    model.py    the records its skills return
    skills.py   the module, built from the App by the composition root
"""
