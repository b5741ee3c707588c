# A pack's suite gets a real Pilothouse instance (with this pack's module, found through its entry
# point) and the real MCP client from the plugin Pilothouse ships; nothing here is specific to us.
pytest_plugins = ["server.testing.pytest_plugin"]
