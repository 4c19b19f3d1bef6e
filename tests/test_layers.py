"""The package's layout is its architecture: layers as folders, imports only downward."""

from __future__ import annotations

import ast
from pathlib import Path

import reflect

PACKAGE = Path(reflect.__file__).parent
LAYERS = ["base", "packs", "journal", "settings", "review", "engine", "terminal"]
"""Lowest first; cli.py and __main__.py sit above them all."""
OUTSIDE_LIBRARIES = {"tinydb": "journal/store.py", "questionary": "terminal/asker.py",
                     "cryptography": "journal/crypto.py", "tomli": "base/toml.py",
                     "tomllib": "base/toml.py"}


def _modules() -> dict[str, ast.Module]:
    return {str(path.relative_to(PACKAGE)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _rank(module: str) -> int:
    folder = module.split("/")[0] if "/" in module else ""
    return LAYERS.index(folder) if folder in LAYERS else len(LAYERS)


def test_every_module_sits_in_a_layer_folder():
    """Only the package marker, the entry point and the command line are outside a layer."""
    loose = {name for name in _modules() if "/" not in name}
    assert loose == {"__init__.py", "__main__.py", "cli.py"}
    assert {name.split("/")[0] for name in _modules() if "/" in name} == set(LAYERS)


def test_imports_only_point_down():
    """A module imports from its own layer or lower ones, never from a layer above it."""
    upward = []
    for name, tree in _modules().items():
        for target in _imports(tree):
            if not target.startswith("reflect."):
                continue
            parts = target.split(".")[1:]
            if parts[0] in LAYERS and LAYERS.index(parts[0]) > _rank(name):
                upward.append(f"{name} imports {target}")
            if parts[0] in ("cli", "__main__") and name != "__main__.py":
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_no_import_cycle():
    """Following the imports between reflect's modules never leads back to the start."""
    trees = _modules()
    names = {name.removesuffix(".py").removesuffix("/__init__").replace("/", "."): name
             for name in trees}
    graph = {module: {target for target in (t.removeprefix("reflect.")
                                            for t in _imports(trees[file]))
                      if target in names and target != module}
             for module, file in names.items()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for target in graph[module]:
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_each_outside_library_has_one_module():
    """tinydb, questionary, cryptography and TOML's reader are each imported by one module
    only."""
    for library, home in OUTSIDE_LIBRARIES.items():
        users = {name for name, tree in _modules().items()
                 if any(t == library or t.startswith(library + ".") for t in _imports(tree))}
        assert users == {home}, library


def test_the_core_knows_nothing_of_the_terminal():
    """Below terminal/, no module imports rich, questionary, prompt_toolkit or typer."""
    terminal = ("rich", "questionary", "prompt_toolkit", "typer", "click")
    found = [f"{name}: {t}" for name, tree in _modules().items()
             if _rank(name) < LAYERS.index("terminal")
             for t in _imports(tree) if t.split(".")[0] in terminal]
    assert found == []
