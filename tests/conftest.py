# The fixtures (clock, app, mcp, mcp_any_era, anyio_backend) are the ones community module authors
# get: our suite uses the shipped plugin, so it is exercised by every test that takes one of them.
pytest_plugins = ["server.testing.pytest_plugin"]

# The example pack's own suite needs the pack installed (its module is found by entry point), so it
# is not collected here: tests/server/test_community_module.py installs the pack and runs it.
collect_ignore = ["community_pack"]
