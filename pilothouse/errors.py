"""What a handler raises on purpose, and how the runtime scores it.

    SkillError          base of everything a handler may raise on purpose
    ├── RetrySkill      "try again, and here is a hint": the runtime retries the call
    ├── SkillFailed     terminal: bad input or state; the message says how to fix it
    │   └── NotFound    an id that does not exist
    └── ExternalError   an outbound call failed; ``kind`` says how (``classify_http_status``)

``ContractError`` is what a malformed declaration raises, at import, never at call time.
"""

from skills.contract import ContractError
from skills.errors import ErrorKind, ExternalError, NotFound, RetrySkill, SkillError, SkillFailed, classify_http_status

__all__ = [
    "ContractError",
    "ErrorKind",
    "ExternalError",
    "NotFound",
    "RetrySkill",
    "SkillError",
    "SkillFailed",
    "classify_http_status",
]
