"""Each module's playbook, as the Skills extension (SEP-2640) publishes it and health hashes it."""
