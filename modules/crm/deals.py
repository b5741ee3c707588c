from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.crm.model import Deal, Pipeline, StageSummary
from skills import SkillContext, SkillFailed, fetch_one, skill
from skills.formats import CURRENCY

STAGES = ("prospect", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:4]
# Chance of closing used for the weighted forecast.
WIN_PROBABILITY = {"prospect": 0.1, "qualified": 0.25, "proposal": 0.5, "negotiation": 0.75, "won": 1.0, "lost": 0.0}
Stage = Literal["prospect", "qualified", "proposal", "negotiation", "won", "lost"]
DEAL_COLUMNS = "id, title, lead_id, company_id, value_cents, currency, stage, expected_close"


async def fetch_deal(ctx: SkillContext, deal_id: int) -> Deal:
    row = await fetch_one(
        ctx.db, f"SELECT {DEAL_COLUMNS} FROM crm_deals WHERE id = ?", (deal_id,),
        missing=f"no deal with id {deal_id}; crm_pipeline_summary lists open deals")
    return Deal(**row)


@skill(
    title="Create deal",
    examples=("the prospect wants to buy", "log a sales opportunity"),
    synonyms=("opportunity", "sale"),
    instructions="""
    Opens a sales opportunity in stage `prospect`. Amounts are in cents (EUR 1,200.00 is
    120000) and must be >= 0. Link the lead and/or company it belongs to.
    """,
)
async def create_deal(
    ctx: SkillContext,
    title: Annotated[str, Field(min_length=1, max_length=200)],
    value_cents: Annotated[int, Field(ge=0)],
    lead_id: int | None = None,
    company_id: int | None = None,
    currency: Annotated[str, Field(pattern=CURRENCY)] = "EUR",
    expected_close: Annotated[str | None, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> Deal:
    """Open a new deal in the pipeline. Use when a lead shows buying intent.

    Args:
        title: Short name of the opportunity.
        value_cents: Expected value in cents.
        lead_id: The lead this deal belongs to.
        company_id: The company this deal belongs to.
        currency: ISO 4217 currency code.
        expected_close: Expected close date, YYYY-MM-DD.
    """
    for table, ref in (("crm_leads", lead_id), ("crm_companies", company_id)):
        if ref is not None:
            await fetch_one(
                ctx.db, f"SELECT 1 FROM {table} WHERE id = ?", (ref,),
                missing=f"no {table.removeprefix('crm_')[:-1]} with id {ref}")
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO crm_deals (title, lead_id, company_id, value_cents, currency, expected_close, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (title, lead_id, company_id, value_cents, currency, expected_close, now, now),
    )
    deal_id = result.lastrowid or 0
    await ctx.db.execute("INSERT INTO crm_deal_history (deal_id, to_stage, at) VALUES (?, 'prospect', ?)",
                         (deal_id, now))
    await ctx.emit("deal.created", {"id": deal_id, "value_cents": value_cents})
    return await fetch_deal(ctx, deal_id)


@skill(
    title="Move deal to a stage",
    examples=("the deal is closed won", "we lost the deal", "advance the opportunity to proposal"),
    synonyms=("won", "lost", "stage", "opportunity", "negotiation"),
    instructions="""
    Stages: prospect -> qualified -> proposal -> negotiation -> won, or lost from any
    open stage. Deals move forward (skipping is allowed) or back one step; won and lost
    are final. Every move is kept in the deal's history. Emits deal.won / deal.lost.
    """,
)
async def move_deal(ctx: SkillContext, deal_id: int, stage: Stage) -> Deal:
    """Move a deal to another pipeline stage, following the pipeline rules.

    Args:
        deal_id: The deal's id.
        stage: The target stage.
    """
    deal = await fetch_deal(ctx, deal_id)
    if deal.stage in ("won", "lost"):
        raise SkillFailed(f"deal {deal_id} is already {deal.stage}; closed deals cannot move")
    if stage == deal.stage:
        raise SkillFailed(f"deal {deal_id} is already in {stage}")
    current, target = STAGES.index(deal.stage), STAGES.index(stage)
    if stage != "lost" and target < current - 1:
        raise SkillFailed(f"deal {deal_id} is in {deal.stage}; it can go back only one step, to "
                          f"{STAGES[current - 1]}")
    now = ctx.now_iso()
    await ctx.db.execute("UPDATE crm_deals SET stage = ?, updated_at = ? WHERE id = ?", (stage, now, deal_id))
    await ctx.db.execute("INSERT INTO crm_deal_history (deal_id, from_stage, to_stage, at) VALUES (?, ?, ?, ?)",
                         (deal_id, deal.stage, stage, now))
    if stage in ("won", "lost"):
        await ctx.emit(f"deal.{stage}", {"id": deal_id, "value_cents": deal.value_cents})
    return await fetch_deal(ctx, deal_id)


@skill(
    title="Pipeline summary",
    examples=("how much business is in the pipeline", "sales forecast"),
    synonyms=("funnel", "forecast", "opportunities"),
    category="analytics",
    read_only=True,
    instructions="""
    Per stage: number of deals, total value and value weighted by the stage's win
    probability (prospect 10 %, qualified 25 %, proposal 50 %, negotiation 75 %). The
    forecast is the weighted sum of open deals; the win rate is won / (won + lost).
    """,
)
async def pipeline_summary(ctx: SkillContext) -> Pipeline:
    """Summarize the sales pipeline by stage with a weighted forecast."""
    rows = {r["stage"]: r for r in await ctx.db.fetchall(
        "SELECT stage, COUNT(*) AS deals, SUM(value_cents) AS value FROM crm_deals GROUP BY stage")}
    stages = []
    for stage in STAGES:
        r = rows.get(stage, {"deals": 0, "value": 0})
        value = int(r["value"] or 0)
        stages.append(StageSummary(stage=stage, deals=r["deals"], value_cents=value,
                                   weighted_cents=round(value * WIN_PROBABILITY[stage])))
    open_ = [s for s in stages if s.stage in OPEN_STAGES]
    won, lost = (rows.get(s, {"deals": 0})["deals"] for s in ("won", "lost"))
    return Pipeline(
        stages=stages,
        open_value_cents=sum(s.value_cents for s in open_),
        forecast_cents=sum(s.weighted_cents for s in open_),
        win_rate=round(won / (won + lost), 3) if won + lost else None,
    )
