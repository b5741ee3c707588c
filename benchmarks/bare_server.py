"""The yardstick for benchmarks/mcp_roundtrip.py: a bare SDK MCPServer with one equivalent tool."""

from mcp.server import MCPServer

server = MCPServer("bare")


@server.tool()
async def crm_get_lead(lead_id: int) -> dict:
    """Get one lead by id."""
    return {"id": lead_id, "email": "bench@example.com", "name": "Bench", "company_id": None, "source": "manual",
            "status": "new", "score": None, "notes": "", "created_at": "2026-11-25T00:00:00+00:00"}


if __name__ == "__main__":
    server.run()
