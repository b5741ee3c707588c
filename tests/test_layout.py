"""The import direction skills <- modules <- server, with prompts a leaf, holds in every file."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Which top-level packages each package may import from.
ALLOWED = {
    "skills": {"skills"},
    "prompts": {"prompts"},
    "modules": {"skills", "modules"},
    "server": {"skills", "modules", "server", "prompts"},
}


def _our_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[0] for n in names if n.split(".")[0] in ALLOWED}
    return found


def test_import_direction() -> None:
    violations = []
    for package, allowed in ALLOWED.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = _our_imports(path) - allowed
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "import direction broken:\n" + "\n".join(violations)


def test_source_files_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)} ({n} lines)" for package in ALLOWED for p in (ROOT / package).rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 400]
    assert not big, "files past 400 lines usually hold more than one concept: " + ", ".join(big)
