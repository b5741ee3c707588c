"""Values derived from the code or the catalog, kept between starts (the ``runtime_cache`` table).

    runtime_cache   the table's owner: read a key, write one (older rows of its kind replaced)
    skill_schemas   every skill's input and output JSON schema, under a fingerprint of the source

A package of its own because several layers read it (the MCP launch, health's schema check)
and it must depend on none of them.
"""
