"""Markdown prompt templates (soul, identity, operating rules, heartbeat, ask) and their strict renderer.

A leaf package: it imports nothing else of Pilothouse. ``prompts.render.render("ask", now=...)``.
"""
