"""The repository's Python files as syntax trees, for the suite's static guards (tests/test_suite_*,
tests/test_layers*, tests/test_docstrings.py): a file parsed, its nodes walked once and sorted by
type, for a guard to take what it reads from each and keep that alone (its own cache, a
process's: `functools.cache`), the tree let go. Their CPU was ``ast.walk`` (several walks a file,
~2.5 times this one's time each) and the garbage collector: the trees of tests/ kept alive, 1.4
million nodes, each collection of the whole heap took ~0.5 s, and parsing with the collector on
twice as long as without it.

Standard library alone: tests/oldest_dependencies.py, run as a script in the oldest
dependencies' environment, uses it."""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

_Node = TypeVar("_Node", bound=ast.AST)
#: A tree's nodes by their exact type (`by_type`).
Index = Mapping[type[ast.AST], list[ast.AST]]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (as it was, after): a syntax tree holds no
    cycle, and its nodes, made by the hundred thousand, set off collection after collection."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse(text: str) -> ast.Module:
    """``ast.parse(text)``, the collector paused."""
    with _collector_paused():
        return ast.parse(text)


def walk(node: ast.AST, parents: dict[ast.AST, ast.AST] | None = None) -> list[ast.AST]:
    """Every node under ``node`` (itself first), in ``ast.walk``'s order: no generator a field,
    nor a deque. Each node's parent is put in ``parents``, if given."""
    found = [node]
    for each in found:  # (the list grows as it is read: breadth first, as ast.walk)
        start = len(found)
        for name in each._fields:
            value = getattr(each, name, None)
            if isinstance(value, ast.AST):
                found.append(value)
            elif isinstance(value, list):
                found.extend([item for item in value if isinstance(item, ast.AST)])
        if parents is not None:
            for child in found[start:]:
                parents[child] = each
    return found


def by_type(node: ast.AST) -> dict[type[ast.AST], list[ast.AST]]:
    """The nodes under ``node`` (itself too) by their exact type, each list in ``ast.walk``'s
    order."""
    found: dict[type[ast.AST], list[ast.AST]] = {}
    with _collector_paused():
        for each in walk(node):
            found.setdefault(type(each), []).append(each)
    return found


def indexed(path: Path) -> Index:
    """The nodes of the Python file at ``path`` by type (`by_type`)."""
    return by_type(parse(path.read_text(encoding="utf-8")))


def nodes(index: Index, *kinds: type[_Node]) -> list[_Node]:
    """The nodes of ``index`` whose type is one of ``kinds``: concrete node classes (``ast.Call``,
    not ``ast.expr``, which no node is exactly), those of each kind in ``ast.walk``'s order."""
    found: list[_Node] = []
    for kind in kinds:
        found.extend(index.get(kind, ()))  # type: ignore[arg-type]
    return found
