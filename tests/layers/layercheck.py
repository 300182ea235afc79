"""The layer rule of briefgen, checked from the source with :mod:`ast` (no module is imported).

Stages in order: load → clean → link → model → suggest → render → emit → build → serve → cli. A module may import
modules of its own stage or of stages before it (and the shared base: ``briefgen``, ``briefgen.diagnostics``,
``briefgen.slug``, ``briefgen.gcpolicy``, ``briefgen.cache``, ``briefgen.forks``); never a name starting with ``_`` from another module; and the imports
between modules (function-local ones included) must not form a cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ORDER = ("load", "clean", "link", "model", "suggest", "render", "emit", "build", "serve", "cli")
"""The stages, lowest first: a module imports only from its own stage or a lower one."""
BASE = ("briefgen", "briefgen.diagnostics", "briefgen.slug", "briefgen.gcpolicy", "briefgen.cache", "briefgen.forks")
"""Modules below every stage (anyone may import them; they import no stage)."""
TOP = ("briefgen.__main__",)
"""Entry points above every stage."""
PLACED = {"briefgen.stagecache": "build", "briefgen.parallel_clean": "build"}
"""Modules outside a stage's package, with the stage they belong to."""


@dataclass(frozen=True)
class Violation:
    """One broken rule."""

    module: str
    """The importing module (dotted)."""
    line: int
    """Line of the import (0 for a cycle)."""
    what: str
    """What is wrong, in words."""

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


@dataclass(frozen=True)
class Import:
    """One imported module or name, as written in a module."""

    target: str
    """The module imported from (dotted, absolute)."""
    name: str
    """The name imported from it ('' for ``import module``)."""
    line: int
    """Line of the import statement."""


def module_name(path: Path, package_root: Path) -> str:
    """Dotted name of the module at ``path`` (``package_root`` is the folder holding the ``briefgen`` package)."""
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool) -> list[Import]:
    """Every import of ``source`` (anywhere in the file), made absolute."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [Import(a.name, "", node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out += [Import(target, a.name, node.lineno) for a in node.names]
    return out


def layer_of(module: str) -> int | None:
    """Rank of ``module`` in :data:`ORDER` (-1 for the base, len(ORDER) for entry points); None outside briefgen."""
    if module in BASE:
        return -1
    if module in TOP:
        return len(ORDER)
    if module in PLACED:
        return ORDER.index(PLACED[module])
    parts = module.split(".")
    if parts[0] != "briefgen" or len(parts) < 2:
        return None
    return ORDER.index(parts[1]) if parts[1] in ORDER else None


def resolve(imp: Import, modules: set[str]) -> str:
    """The briefgen module an import refers to: ``from a import b`` is module ``a.b`` when that exists."""
    sub = f"{imp.target}.{imp.name}" if imp.name else ""
    return sub if sub in modules else imp.target


def check(package_root: Path) -> list[Violation]:
    """Every violation of the layer rule in the ``briefgen`` package under ``package_root``."""
    files = {module_name(p, package_root): p for p in sorted((package_root / "briefgen").rglob("*.py"))}
    modules = set(files)
    found: list[Violation] = []
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for mod, path in files.items():
        mine = layer_of(mod)
        if mine is None:
            found.append(Violation(mod, 0, "module is in no layer (add its stage to ORDER or BASE)"))
            continue
        for imp in imports_of(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py"):
            if imp.target.split(".")[0] != "briefgen":
                continue
            target = resolve(imp, modules)
            if target not in modules:
                found.append(Violation(mod, imp.line, f"imports {target}, which does not exist"))
                continue
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                found.append(Violation(mod, imp.line, f"imports {target}, a later stage (order: {' → '.join(ORDER)})"))
            if imp.name.startswith("_") and not imp.name.startswith("__") and target != mod:
                found.append(Violation(mod, imp.line, f"imports the private name {imp.name} of {imp.target}"))
            if target != mod and not (
                mod.startswith(target + ".") and target == ".".join(mod.split(".")[: len(target.split("."))])
            ):
                graph[mod].setdefault(target, imp.line)
    found += [Violation(c[0], 0, "import cycle: " + " → ".join(c + [c[0]])) for c in cycles(graph)]
    return found


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules that import each other (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups
