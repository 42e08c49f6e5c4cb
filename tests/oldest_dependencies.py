"""The test modules `.ci/run` runs a second time, with every dependency at the oldest release
pyproject.toml allows: those of what leans on a dependency's details, each marked
``pytestmark = pytest.mark.oldest_dependencies`` (or, for some of a module's tests alone, each
such test). A module split from a marked one keeps its header, and the mark with it;
tests/test_layers_oldest.py fails for a module that looks split from one and is not marked.

Found in the source, not by collecting: that second environment lacks some of the test extra
(Babel, which tests/catalogs.py and test_locales.py import as they are imported). Run as a
script (standard library alone, as `.ci/run` does in that environment), it prints the marked
modules' paths, one a line."""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path

if __package__:
    from . import source_trees
else:  # run as a script (.ci/run, in the oldest dependencies' environment): tests/ on sys.path
    import source_trees  # type: ignore[import-not-found, no-redef]

#: The mark's name (registered in tests/conftest.py).
MARKER = "oldest_dependencies"
TESTS = Path(__file__).resolve().parent


# Each module parsed and walked once a process, what is read of it kept (not its tree: 1.4 million
# nodes for tests/, which made each garbage collection of the process's slow): looks_split reads
# every module of tests/ twice (its marks, its imports), the guard's two tests each call it, and
# tests/test_suite_asserts.py reads the imports of tests/ too.
@functools.cache
def _read(path: Path) -> tuple[bool, frozenset[str]]:
    """Whether the module at ``path`` is marked (`is_marked`), and what of tests/ it imports
    (`imported_test_modules`)."""
    index = source_trees.indexed(path)
    return _marked(index), frozenset(_imported(index))


def _attribute(node: ast.AST) -> tuple[ast.expr, str] | None:
    """``(x, "name")`` of ``x.name`` or of ``getattr(x, "name")``, else None. (A getattr of a
    name that is not written out, ``getattr(pytest.mark, MARKER)``, is not read: what it names is
    known only as the module runs.)"""
    if isinstance(node, ast.Attribute):
        return node.value, node.attr
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) in (2, 3)
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        return node.args[0], node.args[1].value
    return None


def is_marked(path: Path) -> bool:
    """Whether the test module at ``path`` says ``pytest.mark.oldest_dependencies`` anywhere
    (its ``pytestmark``, a test's decorator), or ``mark.oldest_dependencies`` with ``mark``
    imported from pytest (``from pytest import mark``, under any name); either attribute may be
    a ``getattr`` (``getattr(pytest.mark, "oldest_dependencies")``)."""
    return _read(path)[0]


def _marked(index: source_trees.Index) -> bool:
    marks = {
        alias.asname or alias.name
        for node in source_trees.nodes(index, ast.ImportFrom)
        if node.module == "pytest" and not node.level
        for alias in node.names
        if alias.name == "mark"
    }
    # (`_attribute` reads these alone: `x.name`, `getattr(x, "name")`)
    for node in source_trees.nodes(index, ast.Attribute, ast.Call):
        attribute = _attribute(node)
        if attribute is None or attribute[1] != MARKER:
            continue
        owner = attribute[0]
        of_owner = _attribute(owner)
        if (of_owner is not None and of_owner[1] == "mark") or (
            isinstance(owner, ast.Name) and owner.id in marks
        ):
            return True
    return False


def marked_modules(tests: Path = TESTS) -> list[Path]:
    """The marked test modules of ``tests``, by name."""
    return [path for path in sorted(tests.glob("test_*.py")) if is_marked(path)]


def imported_test_modules(path: Path) -> set[str]:
    """The modules of tests/ that the module at ``path`` imports (``from .x import``,
    ``from tests.x import``, ``from tests import x``, ``import tests.x``), by name. (Not
    ``getattr(tests, "x")``: the package holds its module ``x`` only once an import statement,
    found here in whichever module makes it, has loaded it.)"""
    return set(_read(path)[1])


def _imported(index: source_trees.Index) -> set[str]:
    found: set[str] = set()
    for node in source_trees.nodes(index, ast.ImportFrom, ast.Import):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module:  # from .x import y
                found.add(module.split(".")[0])
            elif (node.level, module) in ((1, ""), (0, "tests")):  # from . (or tests) import x
                found.update(alias.name for alias in node.names)
            elif node.level == 0 and module.startswith("tests."):  # from tests.x import y
                found.add(module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("tests."))
    return found


def looks_split(tests: Path = TESTS) -> dict[str, list[str]]:
    """The unmarked test modules of ``tests`` that look split from a marked one, each with why:
    its name starts with a marked module's and ``_`` (``test_store_redis_url`` of
    ``test_store_redis``); it imports a marked test module; or it imports a helper module of
    tests/ that marked test modules alone import besides it (what a split takes with it)."""
    modules = {path.stem: path for path in sorted(tests.glob("test_*.py"))}
    marked = {name for name, path in modules.items() if is_marked(path)}
    imports = {name: imported_test_modules(path) for name, path in modules.items()}
    found: dict[str, list[str]] = {}
    for name in sorted(modules.keys() - marked):
        why = [f"named after {m}" for m in sorted(marked) if name.startswith(f"{m}_")]
        why += [f"imports {m}" for m in sorted(imports[name] & marked)]
        for helper in sorted(imports[name] - modules.keys() - {"conftest"}):
            others = [m for m, found_there in imports.items() if helper in found_there]
            others.remove(name)
            if others and set(others) <= marked:
                why.append(f"imports {helper}, which marked modules alone import")
        if why:
            found[name] = why
    return found


if __name__ == "__main__":
    found = marked_modules()
    if not found:
        sys.exit(f"no test module in {TESTS} is marked {MARKER}")
    for path in found:
        print(path.relative_to(TESTS.parent).as_posix())
