"""The in-process scheduler: platform schedules as rows, automations, leases, the missed-run policy.

    service.py     the background service beside the MCP transport (ticks, gating, drain)
    schedules.py   the platform schedules (rows) and what each one runs
    cron.py        cron arithmetic and the missed-run policy
    automations.py the dispatcher for cron and event automations
    templating.py  strict {{event.payload.x}} argument templates
    lease.py       cross-process leases on the locks table
"""
