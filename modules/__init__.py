"""Built-in business modules, listed explicitly. Community modules come from entry points."""

from skills import Module

from modules.blog import module as blog
from modules.crm import module as crm

BUILTIN_MODULES: tuple[Module, ...] = (crm, blog)
