"""The yardstick for benchmarks/mcp_roundtrip.py (stdio) and benchmarks/http_throughput.py (``--http PORT``):
a bare SDK MCPServer with one equivalent tool.

``--http PORT --resumable`` adds what Pilothouse's HTTP face has and a bare server does not: resumable
streams (the same bounded event store, so every SSE stream opens with a priming event and each message
is stored). That is the like-for-like column of http_throughput.py; the headline compares with the
plain bare server.
"""

import sys

from mcp.server import MCPServer

# WARNING, as `pilothouse serve` logs: an access-log line per request would tax only this side.
server = MCPServer("bare", log_level="WARNING")


@server.tool()
async def crm_get_lead(lead_id: int) -> dict:
    """Get one lead by id."""
    return {"id": lead_id, "email": "bench@example.com", "name": "Bench", "company_id": None, "source": "manual",
            "status": "new", "score": None, "notes": "", "created_at": "2026-11-25T00:00:00+00:00"}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--http" and sys.argv[3] == "--resumable":
        from server.mcp.event_store import RETRY_MS, MemoryEventStore

        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]), event_store=MemoryEventStore(),
                   retry_interval=RETRY_MS)
    elif len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
