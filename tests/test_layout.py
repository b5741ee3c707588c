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


MODULES = sorted(p.parent for p in (ROOT / "modules").glob("*/__init__.py"))
MODEL_BASES = {"Record", "BaseModel", "Page"}


def test_a_module_package_init_only_declares_the_module() -> None:
    # The layout of skills/module.py's docstring: __init__.py is the declaration, nothing else.
    crowded = []
    for package in MODULES:
        for node in ast.parse((package / "__init__.py").read_text()).body:
            if isinstance(node, ast.Import | ast.ImportFrom) or (
                    isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                continue
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["module"]:
                continue
            crowded.append(f"{package.name}/__init__.py:{node.lineno}")
    assert not crowded, "move these into model.py / schema.py / demo.py / a skill file: " + ", ".join(crowded)


def test_models_and_migrations_live_in_model_and_schema() -> None:
    misplaced = []
    for package in MODULES:
        for path in sorted(package.glob("*.py")):
            tree = ast.parse(path.read_text())
            if path.name != "model.py":
                models = [n.name for n in tree.body if isinstance(n, ast.ClassDef) and any(
                    isinstance(b, ast.Name | ast.Subscript) and ast.unparse(b).split("[")[0] in MODEL_BASES
                    for b in n.bases)]
                misplaced += [f"{package.name}/{path.name}: model {m}" for m in models]
            if path.name != "schema.py" and "Migration(" in path.read_text():
                misplaced.append(f"{package.name}/{path.name}: migrations")
    assert not misplaced, "models belong in model.py, MIGRATIONS in schema.py: " + ", ".join(misplaced)
