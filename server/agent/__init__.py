"""The agent runtime (pilot): bootstrap, heartbeat, context, approvals follow-through, reasoning loop."""
