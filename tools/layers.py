"""The import contract: casesite's modules import only downwards, and never in a cycle.

Run by `make lint` (python tools/layers.py). Every `import` in src/casesite counts, lazy
ones inside functions included. Two rules:

1. Layers. Each top-level module or package of casesite belongs to one layer; a module may
   import from its own layer or a lower one, never a higher one. Within a layer, `|`
   separates siblings that must not import each other at all; `/` separates siblings that
   may (rule 2 still keeps them acyclic).
2. No cycles between modules, whatever the layers.

Exit 0 when both hold, 1 with one line per broken import otherwise.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "casesite"

# High to low. A top-level name not listed here is an error: place new modules explicitly.
LAYERS = """
__main__
cli
serve | authoring
build
pdf
outputs
render | gate
core
check
validate
load
incremental
parallel / publish
formatting
routes
model
diagnostics / codes
"""

# Back-imports that are known and being removed; each must still exist (a stale entry is
# an error too), so the list only shrinks.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def parse_layers(text: str) -> tuple[dict[str, int], list[set[str]]]:
    """Top-level name -> layer number (0 = highest), and the groups of independent siblings."""
    rank: dict[str, int] = {}
    independent: list[set[str]] = []
    for number, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        if "|" in line:
            names = {n.strip() for n in line.split("|")}
            independent.append(names)
        else:
            names = {n.strip() for n in line.split("/")}
        for name in names:
            rank[name] = number
    return rank, independent


def modules(src: Path) -> dict[str, Path]:
    """Every module of the package under src: dotted name -> file."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """The package's own modules that `name` imports, with the line of each import."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _own(alias.name, node.lineno, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, base] if base else here)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield from _own(target if target in known else base, node.lineno, known)


def _own(target: str, line: int, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    while target and target not in known:
        target = target.rpartition(".")[0]
    if target.startswith(PACKAGE + ".") or target == PACKAGE:
        yield target, line


def top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def check(src: Path) -> list[str]:
    """Every broken rule, one line each, as 'path:line: message'."""
    rank, independent = parse_layers(LAYERS)
    known = modules(src)
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    used_exceptions: set[tuple[str, str]] = set()
    for name, path in known.items():
        where = path.relative_to(src.parent) if src.is_absolute() else path
        low = top(name)
        if low and low not in rank:
            problems.append(f"{where}:1: {name} is in no layer: add '{low}' to LAYERS")
            continue
        for target, line in imports(name, path, known):
            if target == name:
                continue
            if (name, target) not in KNOWN_EXCEPTIONS:
                graph.setdefault(name, set()).add(target)
            high = top(target)
            if not low or not high or high == low:
                continue  # the package root, or within one top-level module's folder
            if high not in rank:
                continue  # reported as its own module
            pair = {low, high}
            upward = rank[high] < rank[low]
            sideways = any(pair <= group for group in independent)
            if (upward or sideways) and (name, target) in KNOWN_EXCEPTIONS:
                used_exceptions.add((name, target))
            elif upward:
                problems.append(f"{where}:{line}: {name} imports {target}, from a higher layer")
            elif sideways:
                problems.append(
                    f"{where}:{line}: {name} imports {target}, an independent sibling layer"
                )
    for component in cycles(graph):
        problems.append(f"{PACKAGE}: an import cycle: {' -> '.join(component)}")
    for name, target in sorted(KNOWN_EXCEPTIONS - used_exceptions):
        problems.append(f"tools/layers.py: the known exception {name} -> {target} is gone; drop it")
    return problems


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "src"
    problems = check(src)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"layers: {len(problems)} broken import rule(s)", file=sys.stderr)
        return 1
    print(f"layers: {len(modules(src))} modules import only downwards, without cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
