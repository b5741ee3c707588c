"""The exception cockpit: what waits for the person supervising, on one page and as an MCP App.

    data.py          one snapshot of the instance, read from the tables' owners
    render.py        the snapshot as server-rendered HTML (static.py: its CSS and small script)
    actions.py       the buttons: the same functions the CLI commands call
    session.py       the browser login's session cookie and the CSRF tokens
    http.py          the /cockpit routes on `serve --http`, behind the same rules as /mcp
    tool.py          ops_cockpit, the tool that returns the exceptions (text for hosts without Apps)
    app_resource.py  the ui:// MCP App the tool links to
    screenshot.py    `python -m server.cockpit.screenshot out.png`: the page, on demo data, as a PNG
"""
