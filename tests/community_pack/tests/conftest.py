# The pack's suite runs on the pytest plugin Pilothouse ships: each test gets `instance`, a fresh
# Pilothouse with this pack (found through its entry point), the email module and a mail sink.
pytest_plugins = ["pilothouse.testing.plugin"]
