"""The docstring rules of the skill contract: the tool description, and nothing but ``Args:`` after it.

The rule itself is in skills/contract.py's docstring; these are its checks.
"""

from __future__ import annotations

import re

import docstring_parser


class DocstringError(ValueError):
    """The docstring breaks the rule; skills/contract.py raises it as a ContractError."""


# Markers of the other docstring styles (reST/Epydoc fields, numpydoc section underlines).
_OTHER_DOC_STYLE = re.compile(r"^\s*(?::\w|@\w|-{3,}\s*$)", re.MULTILINE)


def describe(name: str, doc: docstring_parser.Docstring) -> str:
    """The summary line, plus at most one routing paragraph (the rule is in skills/contract.py)."""
    if not doc.short_description:
        raise DocstringError(f"skill {name}: the handler needs a docstring; its summary is the tool description")
    extra = [p for p in doc.meta if not isinstance(p, docstring_parser.DocstringParam)]
    if extra:
        raise DocstringError(f"skill {name}: the docstring may only have an Args: section; move "
                             f"{', '.join(sorted({m.args[0] for m in extra}))} into instructions=")
    if not doc.long_description:
        return doc.short_description.strip()
    if not doc.blank_after_short_description:
        raise DocstringError(f"skill {name}: the docstring summary must fit on one line, followed by a blank line")
    if "\n\n" in doc.long_description.strip():
        raise DocstringError(f"skill {name}: the docstring has more than one paragraph after its summary; "
                             "the tool description is the summary (plus one 'NOT for ...' paragraph at most), "
                             "usage detail goes into instructions=")
    return f"{doc.short_description}\n\n{doc.long_description}".strip()


def parse_doc(text: str) -> docstring_parser.Docstring:
    """Google style directly (4x cheaper than trying every style); any other style is still auto-detected."""
    if _OTHER_DOC_STYLE.search(text):
        return docstring_parser.parse(text)
    return docstring_parser.parse(text, style=docstring_parser.DocstringStyle.GOOGLE)
