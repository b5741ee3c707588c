"""Forms: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    await ctx.db.execute(
        "INSERT INTO forms (name, fields, created_at) VALUES ('Contact us', ?, ?)",
        ('[{"name": "name", "type": "text", "required": true, "options": []}, {"name": "email", "type": "email", '
         '"required": true, "options": []}, {"name": "message", "type": "text", "required": false, "options": []}]',
         ctx.now_iso()))
