"""The shape of the source tree: import direction, no import cycles, small files.

- Direction: skills <- modules <- server <- pilothouse (the public surface re-exports them) and
  server <- evals, with prompts a leaf; only ``pilothouse eval`` (server/cli/commands/eval.py) reaches
  up into evals, the proving ground it runs.
- No cycles: module A imports B (at the top or inside a function alike) and B, directly or
  not, imports A. Only imports under ``if TYPE_CHECKING:`` are exempt: they never run.
  ``from pkg import name`` imports ``pkg.name`` when that is a module, else ``pkg`` itself;
  importing ``pkg.mod`` from outside ``pkg`` runs ``pkg/__init__.py`` too, so it counts as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Which top-level packages each package may import from.
ALLOWED = {
    "skills": {"skills"},
    "prompts": {"prompts"},
    "modules": {"skills", "modules"},
    "server": {"skills", "modules", "server", "prompts"},
    "pilothouse": {"skills", "server", "pilothouse"},
    "evals": {"skills", "modules", "server", "prompts", "evals"},
}
# The one file allowed past its package's direction: the command that runs the proving ground.
EXCEPTIONS = {"server/cli/commands/eval.py": {"evals"}}


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
            bad = _our_imports(path) - allowed - EXCEPTIONS.get(str(path.relative_to(ROOT)), set())
            if bad:
                violations.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not violations, "import direction broken:\n" + "\n".join(violations)


def test_source_files_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)} ({n} lines)" for package in ALLOWED for p in (ROOT / package).rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 400]
    assert not big, "files past 400 lines usually hold more than one concept: " + ", ".join(big)


def _module_files() -> dict[str, Path]:
    files = {}
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: anywhere, except inside ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (i for child in node.orelse for i in _runtime_imports(child))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _runtime_imports(node)


def import_graph() -> dict[str, set[str]]:
    files = _module_files()
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            for target in (t for t in targets if t in files):
                parents = [".".join(target.split(".")[:i]) for i in range(1, target.count(".") + 1)]
                graph[name] |= {m for m in (*parents, target)
                                if m in files and m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles (lazy imports count; only TYPE_CHECKING imports are exempt):\n" + "\n".join(
        " <-> ".join(c) for c in found)


def test_cycle_check_sees_a_lazy_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("import x\nif TYPE_CHECKING:\n    import y\ndef f():\n    import z\n")
    assert [ast.unparse(n) for n in _runtime_imports(tree)] == ["import x", "import z"]


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
