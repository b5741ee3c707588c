"""The runtime: store, executor and resilience, manifests, providers, agent, scheduler, health, MCP, HTTP, CLI."""
