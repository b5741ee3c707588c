"""The Pilothouse version: a leaf, so anything may import it without pulling in the runtime."""

VERSION = "0.1.0"
