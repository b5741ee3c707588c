# The fixtures (clock, app, mcp, mcp_any_era, anyio_backend) are the ones community module authors
# get: our suite uses the shipped plugin, so it is exercised by every test that takes one of them.
pytest_plugins = ["server.testing.pytest_plugin"]
