"""alexaskill's own source as syntax trees, for tests/refusal_reasons.py: each module's text, read
at once, and its tree parsed when first asked for, with what a reader of reasons looks up in it
(its constants, what it imports, its functions and calls, each node's parent)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tests import source_trees

PACKAGE: Final = Path(__file__).resolve().parent.parent / "alexaskill"


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    #: Its nodes, in ``ast.walk``'s order, and each one's parent.
    nodes: list[ast.AST] = field(default_factory=list)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    #: Its calls, by how the callee is named: (``"Name"`` or ``"Attribute"``, the name).
    calls: dict[tuple[str, str | None], list[ast.Call]] = field(default_factory=dict)


_Function = ast.FunctionDef | ast.AsyncFunctionDef
#: A function being called, and what its parameters hold for that call.
_Env = tuple[_Function, dict[str, set[str]]]


class Modules:
    """The package's modules by dotted name: ``texts`` (each file's path and text) and ``parsed``
    (those parsed so far, by `module`)."""

    def __init__(self, package: Path = PACKAGE) -> None:
        self.package = package
        self.texts: dict[str, tuple[Path, str]] = {}
        for path in sorted(package.rglob("*.py")):
            dotted = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            self.texts[dotted.removesuffix(".__init__")] = (path, path.read_text(encoding="utf-8"))
        self.parsed: dict[str, _Module] = {}

    def module(self, dotted: str) -> _Module | None:
        """The package's module ``dotted`` (parsed once), or None if the package has none."""
        return self._parse(dotted) if dotted in self.texts else None

    def _parse(self, dotted: str) -> _Module:
        if dotted not in self.parsed:
            self.parsed[dotted] = self._read(*self.texts[dotted], dotted)
        return self.parsed[dotted]

    def _read(self, path: Path, text: str, dotted: str) -> _Module:
        module = _Module(dotted, path, source_trees.parse(text))
        package = dotted.split(".") if path.name == "__init__.py" else dotted.split(".")[:-1]
        module.nodes = source_trees.walk(module.tree, module.parents)
        for node in module.nodes:
            if isinstance(node, _Function):
                module.functions.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.Call):
                key = (type(node.func).__name__, _called_name(node))
                module.calls.setdefault(key, []).append(node)
        for statement in module.tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    module.constants[target.id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                if isinstance(statement.target, ast.Name):
                    module.constants[statement.target.id] = statement.value
            elif isinstance(statement, ast.ImportFrom) and statement.level:
                base = package[: len(package) - statement.level + 1]
                source = ".".join([*base, *(statement.module or "").split(".")]).rstrip(".")
                for alias in statement.names:
                    module.imported[alias.asname or alias.name] = (source, alias.name)
        return module

    # -- where a node is ------------------------------------------------------------------

    def module_named(self, module: _Module, node: ast.expr) -> _Module | None:
        """The package's module ``node`` names in ``module`` (``messages``, after ``from .. import
        messages``), or None: another name, or one a function of it binds to something else."""
        if not isinstance(node, ast.Name) or node.id not in module.imported:
            return None
        function = self.function_of(module, node)
        if function is not None and _bound_in(function, node.id):
            return None
        source, original = module.imported[node.id]
        return self.module(f"{source}.{original}")

    # -- where a node is ------------------------------------------------------------------

    def function_of(self, module: _Module, node: ast.AST) -> _Function | None:
        return next((a for a in self._ancestors(module, node) if isinstance(a, _Function)), None)

    def class_of(self, module: _Module, node: ast.AST) -> ast.ClassDef | None:
        return next((a for a in self._ancestors(module, node) if isinstance(a, ast.ClassDef)), None)

    def _ancestors(self, module: _Module, node: ast.AST) -> Iterator[ast.AST]:
        while node in module.parents:
            node = module.parents[node]
            yield node


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _line(node: ast.AST) -> int:
    return int(getattr(node, "lineno", 0))


def _branch(statement: ast.If, node: ast.AST) -> str:
    """Which part of ``statement`` holds ``node``: its test, body or orelse."""
    for part in ("test", "body", "orelse"):
        held = getattr(statement, part)
        for child in held if isinstance(held, list) else [held]:
            if any(n is node for n in source_trees.walk(child)):
                return part
    return ""


def _binds(target: ast.AST, name: str) -> bool:
    """Whether assigning to ``target`` binds ``name`` (a name, or one in a tuple unpacked)."""
    return any(isinstance(node, ast.Name) and node.id == name for node in source_trees.walk(target))


def _bound_in(function: _Function, name: str) -> bool:
    """Whether ``function`` has a parameter or local variable ``name``."""
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg is not None:
        parameters.append(arguments.vararg)
    if arguments.kwarg is not None:
        parameters.append(arguments.kwarg)
    return any(p.arg == name for p in parameters) or any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in source_trees.walk(function)
    )
