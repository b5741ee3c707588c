"""The ``pilothouse`` command line. One file per command group; main.py lists them."""
