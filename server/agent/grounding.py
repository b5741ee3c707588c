"""Is an ``ask`` answer grounded? Figures in an answer must come from something the run read.

Small models answer data questions with invented numbers ("You have 42 open leads") without
calling a single skill. An answer counts as ungrounded when it states figures (numbers that are
not in the person's own request) and no skill call of the run succeeded: search_skills and
describe_skill read the catalog, not the business, so they do not count. The loop then asks the
model once to read before answering (``nudge``); a second ungrounded answer ends the run as
``ungrounded`` instead of being shown as the answer.

Heartbeats are judged by their evidence instead (server/agent/evidence.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from server.manifest import meta_specs

if TYPE_CHECKING:
    from server.agent.loop_record import RunRecord

FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
CATALOG_READS = frozenset({meta_specs.SEARCH, meta_specs.DESCRIBE})
SHOWN = 5


def ungrounded_figures(answer: str, request: str, record: RunRecord) -> list[str]:
    """The figures ``answer`` states that nothing read; empty when it is grounded or states none."""
    if any(c.ok and c.skill not in CATALOG_READS for c in record.tool_calls):
        return []
    given = set(FIGURE.findall(request))
    return list(dict.fromkeys(f for f in FIGURE.findall(answer) if f not in given))


def nudge(figures: list[str]) -> str:
    return (f"Your answer states figures ({', '.join(figures[:SHOWN])}) but no skill call in this run read "
            "them. Read them with a skill now and answer from its result; if no skill can tell, say you "
            "cannot tell.")
