"""The yardstick for benchmarks/mcp_roundtrip.py (stdio) and benchmarks/http_throughput.py (``--http PORT``):
a bare SDK MCPServer with one equivalent tool."""

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
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
