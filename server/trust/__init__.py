"""Trust building (Pattern 1: "you see what the agent would do before letting it do it").

    mode.py    the agent's mode: live, or shadow (every call it would write becomes a proposal)
    gate.py    what the executor asks before a call: refuse, propose, queue, ask a person, or go on
    effect_levels.py  trust follows the effect: the strictest level among the skills sharing one
    consent.py a person's yes from chat or the CLI: the client's form whenever it has one
    outside.py text written outside the business: fenced for the model, and the run held
    policy.py  the owner's trust level per skill and module, and the trust ladder
    review.py  a person's decision on a proposal (approve runs it once, reject teaches the agent)
    digest.py  the daily shadow digest to the administrator
    skills.py  the same controls over MCP, refused to the agent
"""
