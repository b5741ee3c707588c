"""Suggest a reply to a support ticket: the model reads the thread, a person sends the answer."""

from __future__ import annotations

from modules.assistant.model import ReplySuggestion
from modules.support.tickets import fetch_thread, fetch_ticket
from skills import SkillContext, skill

SYSTEM = (
    "You help a small business's support team. Draft the next reply to the customer: short, polite, "
    "concrete, in the customer's language. Do not promise refunds, dates or fixes the thread does not "
    "support; say what you will check instead. Answer with the reply text only."
)
MAX_THREAD_CHARS = 12_000


@skill(title="Suggest a ticket reply",
       examples=("what should I answer this customer", "draft a response to ticket 12"),
       synonyms=("ai", "suggest", "draft", "answer", "respond"),
       read_only=True, open_world=True, transactional=False, timeout_s=120,
       # The thread is customer data: a local model (Ollama) is tried first when one is configured.
       preferred_provider="ollama",
       instructions="""
       Sends the ticket's subject and messages (internal notes left out) to a model and returns a
       suggested reply; nothing is sent and the ticket does not change. Review it, then send it
       with support_reply. Tickets hold customer data, so a local Ollama model is tried first,
       then the rest of the chain. Needs an AI provider: without one it refuses and says what to
       set. The tokens and cost are recorded against this skill.
       """)
async def suggest_reply(ctx: SkillContext, ticket_id: int) -> ReplySuggestion:
    """Suggest a reply to a support ticket with an AI model; nothing is sent.

    Args:
        ticket_id: The ticket to answer (support_list_tickets shows them).
    """
    ticket = await fetch_ticket(ctx, ticket_id)
    thread = "\n\n".join(f"{author}: {body}" for author, body in await fetch_thread(ctx, ticket_id)
                         if author != "note")[-MAX_THREAD_CHARS:]
    reply = await ctx.ai.complete(f"Ticket #{ticket.id}: {ticket.subject} ({ticket.priority} priority)\n\n"
                                  f"{thread}", system=SYSTEM, tier="fast")
    return ReplySuggestion(ticket_id=ticket.id, subject=ticket.subject, suggestion=reply.text,
                           provider=reply.provider, model=reply.model, prompt_tokens=reply.prompt_tokens,
                           completion_tokens=reply.completion_tokens)
