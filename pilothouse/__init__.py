"""Pilothouse's public, typed surface for module authors: import from here, not from the runtime.

    from pilothouse import Automation, Module, SkillContext, errors, skill

Every name below is kept stable: ``docs/public-api.md`` lists the surface with its signatures and
``tests/test_public_surface.py`` fails when it changes, so a pack written against one release keeps
working on the next. The names are re-exported from the packages that hold them (``skills``, and
``server.testing`` for ``pilothouse.testing``); nothing else of the runtime is part of the promise.

- declaring: ``skill``, ``effect`` (what a call does to the world), ``Outside`` (fields written by
  people outside the business), ``Module``, ``Automation``, ``Migration``, ``ModuleSettings`` and ``setting``
  (typed settings), ``Attention`` and ``Flagged`` (what the cockpit shows a person), ``CATEGORIES``;
- writing a handler: ``SkillContext``, ``Record``, ``Page``, ``Filters``, ``fetch_page``, ``fetch_one``,
  ``check_transition``, the field formats ``EMAIL`` and ``CURRENCY``, the store's types ``Database``,
  ``Row``, ``WriteResult``, ``Clock``; sending: ``Email``, ``Webhook`` (``ctx.send``), ``Queued``,
  ``InvalidMessage``;
- previews: ``Preview``, ``PreviewLine``, ``consequence`` (what a call would do: ``@skill(preview=...)``);
- failing: ``pilothouse.errors`` (``NotFound``, ``SkillFailed``, ``ExternalError``, ...);
- testing: ``pilothouse.testing`` (an instance of only your modules, its clock, mail and automations).
"""

from pilothouse import errors
from skills.attention import Attention, Flagged
from skills.automation import Automation
from skills.context import Clock, Database, Row, SkillContext, WriteResult
from skills.contract import CATEGORIES, skill
from skills.effects import effect
from skills.formats import CURRENCY, EMAIL
from skills.messages import Email, InvalidMessage, Queued, Webhook
from skills.module import Migration, Module
from skills.outside import Outside
from skills.paging import Filters, Page, fetch_one, fetch_page
from skills.preview import Preview, PreviewLine, consequence
from skills.record import Record
from skills.settings import ModuleSettings, setting
from skills.transitions import check_transition

__all__ = [
    "CATEGORIES",
    "CURRENCY",
    "EMAIL",
    "Attention",
    "Automation",
    "Clock",
    "Database",
    "Email",
    "Filters",
    "Flagged",
    "InvalidMessage",
    "Migration",
    "Module",
    "ModuleSettings",
    "Outside",
    "Page",
    "Preview",
    "PreviewLine",
    "Queued",
    "Record",
    "Row",
    "SkillContext",
    "Webhook",
    "WriteResult",
    "check_transition",
    "consequence",
    "effect",
    "errors",
    "fetch_one",
    "fetch_page",
    "setting",
    "skill",
]
