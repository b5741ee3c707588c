"""A test-only module with an approve-trust skill that reaches outside: a payment-like POST.

It is not transactional (the POST happens whatever becomes of the call), like a real integration's
outward action, so a crash in the middle leaves its outcome unknown from Pilothouse's side.
"""

from __future__ import annotations

from pydantic import BaseModel

from skills import Module, SkillContext, skill


class Paid(BaseModel):
    status: int


@skill(name="outward_pay", title="Pay a supplier", category="finance", trust="approve", open_world=True,
       transactional=False, instructions="POSTs a payment order to the bank's URL.")
async def pay(ctx: SkillContext, url: str, amount_cents: int) -> Paid:
    """Send a payment order.

    Args:
        url: The bank's payment endpoint.
        amount_cents: How much.
    """
    response = await ctx.http.post(url, json={"amount_cents": amount_cents}, timeout=30)
    return Paid(status=response.status_code)


module = Module(id="outward", name="Outward", description="An outward action for tests.", category="finance",
                version="1.0.0", skills=(pay,))
