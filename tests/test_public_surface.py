"""The public surface module authors build on (``pilothouse``, ``pilothouse.errors``, ``pilothouse.testing``)
is what ``docs/public-api.md`` lists, name by name and signature by signature, and it is typed.

A change to the surface is a change to every pack: when this test fails, either the change was not
meant (put it back), or it was, and the listing is rewritten on purpose with
``python -m tests.test_public_surface --write`` (adding a name is fine; removing or changing one
breaks packs: keep the old name working beside the new one for a release first).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import subprocess
import sys
import tomllib
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).parents[1]
LISTING = ROOT / "docs" / "public-api.md"
PUBLIC = ("pilothouse", "pilothouse.errors", "pilothouse.testing", "pilothouse.testing.plugin")
HEADER = """# The public surface of `pilothouse`

What a module author imports, with its signatures: everything here is kept stable across releases.
Generated from the code by `python -m tests.test_public_surface --write`;
`tests/test_public_surface.py` fails when the code and this page differ.

```
"""


def _signature(value: Any) -> str:
    try:
        return str(inspect.signature(value))
    except (TypeError, ValueError):
        return "(...)"


def _members(cls: type) -> list[str]:
    """A class's public fields and methods, as an author uses them."""
    lines = []
    if dataclasses.is_dataclass(cls):
        lines += [f"    {f.name}: {f.type}" for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    elif hasattr(cls, "model_fields") and cls.__module__ != "skills.record":
        lines += [f"    {name}: {_type(field.annotation)}" for name, field in cls.model_fields.items()]
    own = {n: v for klass in reversed(cls.__mro__) if klass.__module__.split(".")[0] in ("skills", "server")
           for n, v in vars(klass).items()}
    for name, value in sorted(own.items()):
        if name.startswith("_") or (not callable(value) and not isinstance(value, property)):
            continue
        if isinstance(value, property):
            lines.append(f"    {name} (property)")
        else:
            function = value.__func__ if isinstance(value, classmethod | staticmethod) else value
            lines.append(f"    {name}{_signature(function)}")
    return lines


def _type(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else str(annotation).replace("typing.", "")


def render() -> str:
    out = []
    for module_name in PUBLIC:
        module = importlib.import_module(module_name)
        out.append(f"{module_name}")
        for name in sorted(module.__all__):
            value = getattr(module, name)
            if isinstance(value, ModuleType):
                out.append(f"  {name}: module {value.__name__}")
            elif inspect.isclass(value) and issubclass(value, Enum):
                out.append(f"  class {name}({value.__mro__[1].__name__}): {', '.join(str(m.value) for m in value)}")
            elif inspect.isclass(value) and hasattr(value, "model_fields"):  # its signature depends on whether
                out.append(f"  class {name}(pydantic model)")                # the model was built yet
                out += _members(value)
            elif inspect.isclass(value):
                out.append(f"  class {name}{_signature(value)}")
                out += _members(value)
            elif callable(value):
                out.append(f"  {name}{_signature(value)}")
            else:
                out.append(f"  {name} = {value!r}")
        out.append("")
    return HEADER + "\n".join(out).rstrip() + "\n```\n"


def test_the_public_surface_is_what_docs_public_api_lists() -> None:
    listed = LISTING.read_text() if LISTING.exists() else ""
    current = render()
    if listed != current:
        gone = sorted(set(listed.splitlines()) - set(current.splitlines()))
        added = sorted(set(current.splitlines()) - set(listed.splitlines()))
        raise AssertionError(
            "the public surface changed (a change to every pack). Removed or changed:\n  " + "\n  ".join(gone)
            + "\nAdded:\n  " + "\n  ".join(added)
            + "\nIf on purpose: python -m tests.test_public_surface --write (see this file's docstring)")


def test_authors_import_the_contract_from_pilothouse() -> None:
    from pilothouse import Automation, Module, SkillContext, errors, skill
    from skills import Automation as Declared
    from skills.errors import NotFound

    assert Automation is Declared and errors.NotFound is NotFound
    assert callable(skill) and Module.__module__ == "skills.module" and SkillContext.__name__ == "SkillContext"


def test_every_package_is_typed_and_shipped() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packaged = config["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in ("pilothouse", "skills", "server", "modules", "prompts"):
        assert (ROOT / package / "__init__.py").exists(), f"{package} is not a regular package"
        assert (ROOT / package / "py.typed").exists(), f"{package} ships no py.typed: mypy would not read it"
        assert f"{package}*" in packaged
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["*"]
    assert "pilothouse" in config["tool"]["mypy"]["packages"]


def test_importing_the_public_packages_loads_no_sdk_or_web_server() -> None:
    probe = ("import sys, pilothouse, pilothouse.errors, pilothouse.testing; "
             "print(sorted(m for m in ('mcp', 'uvicorn', 'starlette', 'aiosmtpd') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "[]"


def test_contributing_documents_every_category_and_the_testing_facade() -> None:
    from pilothouse import CATEGORIES
    from pilothouse.testing import Instance

    guide = (ROOT / "CONTRIBUTING.md").read_text()
    assert [c for c in CATEGORIES if f"`{c}`" not in guide] == [], "categories CONTRIBUTING.md does not list"
    for used in ("run_due", "outbox", "deliveries", "configure", "pilothouse.testing.plugin", "arguments="):
        assert used in guide, used
    assert all(hasattr(Instance, name) for name in ("call", "error", "run_due", "outbox", "deliveries"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        LISTING.write_text(render())
        print(f"wrote {LISTING.relative_to(ROOT)}")
    else:
        print(render(), end="")
