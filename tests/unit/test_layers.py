"""The package's shape: subpackages by role in layers, every import pointing down, no cycle, no folder
of more than ten modules (lambda/README.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "lambda" / "root_activity_notifier"
# Bottom to top: a module imports from its own layer or those below. "" is the package's entry points.
LAYERS = ["shared", "core", "render", "config", "state", "slack", "delivery", "health", ""]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports when it runs (at import or inside a function): imports
    under ``if TYPE_CHECKING:`` are annotations only and left out."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("root_activity_notifier"):
                continue
            for alias in node.names:  # `from . import cli` names a module; `from .x import y` a name in x
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("root_activity_notifier")}
    return {name for name in found if name in MODULES and name != module_name(path)}


PATHS = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(path) for path in PATHS}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def graph() -> dict[str, set[str]]:
    return {module_name(path): runtime_imports(path) for path in PATHS}


def test_every_module_is_in_a_known_layer_and_no_folder_holds_more_than_ten():
    assert {layer(module) for module in MODULES} == set(LAYERS)
    for folder in {path.parent for path in PATHS}:
        modules = [path for path in folder.glob("*.py") if path.name != "__init__.py"]
        assert len(modules) <= 10, f"{folder.relative_to(REPO)} holds {len(modules)} modules"


def test_shared_modules_are_leaves():
    """shared/ is what every layer may use: it imports nothing of the package but itself."""
    for module, imports in graph().items():
        if layer(module) == "shared":
            assert {layer(each) for each in imports} <= {"shared"}, f"{module} imports {sorted(imports)}"


def test_every_import_points_down_the_layers():
    wrong = [
        f"{module} imports {imported}"
        for module, imports in graph().items()
        for imported in sorted(imports)
        if LAYERS.index(layer(imported)) > LAYERS.index(layer(module))
    ]
    assert wrong == []


def test_the_package_has_no_import_cycle():
    edges = graph()
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str]:
        state[module] = "open"
        for imported in sorted(edges[module]):
            if state.get(imported) == "open":
                return [*path, module, imported]
            if imported not in state and (cycle := visit(imported, [*path, module])):
                return cycle
        state[module] = "done"
        return []

    cycles = [cycle for module in sorted(edges) if module not in state and (cycle := visit(module, []))]
    assert cycles == []


def test_subpackage_init_files_hold_only_a_docstring():
    """A cold start loads a subpackage's __init__ with its first module: it must cost nothing."""
    for path in PACKAGE.glob("*/__init__.py"):
        body = ast.parse(path.read_text()).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), path


def test_the_checks_see_the_imports_they_judge():
    """A check that found no import could not fail: the handler's own imports are read."""
    handler = graph()["root_activity_notifier.handler"]
    assert "root_activity_notifier.delivery.pipeline" in handler and "root_activity_notifier.shared.log" in handler


def test_the_developers_note_names_every_layer_in_order():
    note = (REPO / "lambda" / "README.md").read_text()
    rows = [line.split("`")[1].rstrip("/") for line in note.splitlines() if line.startswith("| `")]
    assert rows == LAYERS[:-1]
