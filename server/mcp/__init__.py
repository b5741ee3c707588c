"""The MCP surface: tools are the enabled skills; instructions are resources."""
