"""What an expression of alexaskill's source may evaluate to, as templates: the text the code
spells out kept, what it works out at run time ``…`` (`VARIES`), for tests/refusal_reasons.py.
Names are followed to what they hold: a module's constants (imported ones too, or named through
their module: ``messages.UNHANDLED``), a function's local variables and what it returns, an
attribute ``self`` was given, and a parameter to what its callers pass."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from tests import source_trees
from tests.reason_modules import (
    PACKAGE,
    Modules,
    _binds,
    _branch,
    _called_name,
    _Env,
    _Function,
    _line,
    _Module,
)

VARIES: Final = "…"
#: Templates per expression, at most: past it, the expression is said to vary whole.
_MOST: Final = 64
_VARIES_RUN: Final = re.compile(r"…(?:\s*…)+")


class Templates(Modules):
    """The package's modules (`Modules`), and the templates an expression in them may give."""

    def __init__(self, package: Path = PACKAGE) -> None:
        super().__init__(package)
        self._busy: set[int] = set()
        self._known: dict[int, set[str]] = {}

    def templates(self, module: _Module, node: ast.expr, env: _Env | None = None) -> set[str]:
        """The strings ``node`` may evaluate to, what varies as `VARIES` (none: it is None).
        ``env``: what the parameters of the function being called hold, for this call."""
        known = self._known.get(id(node)) if env is None else None
        if known is not None:
            return known
        if id(node) in self._busy:  # a name defined by itself, a recursive call
            return {VARIES}
        self._busy.add(id(node))
        try:
            found = self._templates(module, node, env)
        finally:
            self._busy.discard(id(node))
        found = {_VARIES_RUN.sub(VARIES, text) for text in found}
        if len(found) > _MOST:
            found = {VARIES}
        if env is None:
            self._known[id(node)] = found
        return found

    def _templates(self, module: _Module, node: ast.expr, env: _Env | None) -> set[str]:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return set()
            return {node.value} if isinstance(node.value, str) else {VARIES}
        if isinstance(node, ast.JoinedStr):
            parts: list[set[str]] = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    parts.append(self.templates(module, value.value, env) or {VARIES})
                else:
                    parts.append(self.templates(module, value, env))
            return _joined(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.templates(module, node.left, env)
            return _joined([left, self.templates(module, node.right, env)])
        if isinstance(node, ast.IfExp):
            return self.templates(module, node.body, env) | self.templates(module, node.orelse, env)
        if isinstance(node, ast.BoolOp):
            return set().union(*(self.templates(module, value, env) for value in node.values))
        if isinstance(node, ast.Name):
            function = self.function_of(module, node)
            if function is not None:
                if env is not None and env[0] is function and node.id in env[1]:
                    return env[1][node.id]
                local = self._local(module, function, node.id, env, use=node)
                if local is not None:
                    return local
            return self._global(module, node.id)
        if isinstance(node, ast.Attribute):
            return self._attribute(module, node)
        if isinstance(node, ast.Call):
            return self._call(module, node, env)
        return {VARIES}

    def _global(self, module: _Module, name: str) -> set[str]:
        if name in module.constants:
            return self.templates(module, module.constants[name])
        if name in module.imported:
            source, original = module.imported[name]
            other = self.module(source)
            if other is not None:
                return self._global(other, original)
        return {VARIES}

    def _local(
        self,
        module: _Module,
        function: _Function,
        name: str,
        env: _Env | None = None,
        *,
        use: ast.AST | None = None,
    ) -> set[str] | None:
        """What the local variable or parameter ``name`` of ``function`` may hold at ``use``
        (`_reaches`); None if it is neither. A parameter: what its callers pass (`_parameter`)."""
        if env is not None and env[0] is not function:
            env = None
        arguments = function.args
        parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        for index, parameter in enumerate(parameters):
            if parameter.arg == name:
                return self._parameter(module, function, index, name)
        bases: list[tuple[ast.AST, set[str]]] = []  # each assignment, and what it holds
        suffixes: list[tuple[int, set[str]]] = []  # of each `name += ...`
        for node in source_trees.walk(function):
            held: set[str] | None = None
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        held = self.templates(module, node.value, env)
                    elif _binds(target, name):
                        held = {VARIES}  # (unpacked)
            elif isinstance(node, ast.AnnAssign) and _binds(node.target, name):
                held = {VARIES} if node.value is None else self.templates(module, node.value, env)
            elif isinstance(node, ast.AugAssign) and _binds(node.target, name):
                suffixes.append((node.lineno, self.templates(module, node.value, env)))
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.NamedExpr):
                if _binds(node.target, name):
                    held = {VARIES}
            elif isinstance(node, ast.withitem):
                if node.optional_vars is not None and _binds(node.optional_vars, name):
                    held = {VARIES}
            elif isinstance(node, ast.ExceptHandler) and node.name == name:
                held = {VARIES}
            if held is not None:
                bases.append((node, held))
        if not bases:
            return None
        if use is not None:
            reaching = [(at, held) for at, held in bases if self._reaches(module, at, use)]
            bases = [
                (at, held)
                for at, held in reaching
                if not any(
                    _line(at) < _line(other) and self._dominates(module, other, use)
                    for other, _ in reaching
                )
            ] or bases
        found = set().union(*(held for _, held in bases))
        for line, suffix in suffixes:  # `text += more`: after what was assigned before it
            before = set().union(*(held for at, held in bases if _line(at) < line))
            found |= _joined([before, suffix])
        return found

    def _reaches(self, module: _Module, assignment: ast.AST, use: ast.AST) -> bool:
        """Whether ``assignment`` comes before ``use`` and not in another branch of an ``if``
        that holds both."""
        if _line(assignment) >= _line(use):
            return False
        ours = {id(a) for a in self._ancestors(module, assignment)}
        below = use
        for above in self._ancestors(module, use):
            if id(above) in ours:
                if isinstance(above, ast.If):
                    return _branch(above, assignment) == _branch(above, below)
                return True
            below = above
        return True

    def _dominates(self, module: _Module, assignment: ast.AST, use: ast.AST) -> bool:
        """Whether ``assignment`` comes before ``use`` in a block that holds it: every way to
        ``use`` passes through it, hiding what was assigned before."""
        parent = module.parents.get(assignment)
        return _line(assignment) < _line(use) and any(
            above is parent for above in self._ancestors(module, use)
        )

    def _parameter(self, module: _Module, function: _Function, index: int, name: str) -> set[str]:
        """What callers pass as ``function``'s parameter ``name`` (at ``index``), anywhere in the
        package; its default too; `VARIES` if nobody calls it by name."""
        cls = self.class_of(module, function)
        is_method = cls is not None and self.function_of(module, function) is None
        called = cls.name if is_method and cls and function.name == "__init__" else function.name
        position = index - 1 if is_method else index
        found: set[str] = set()
        calls = 0
        for other, node in self._calls_of(module, called, by_attribute=is_method):
            calls += 1
            given = [k.value for k in node.keywords if k.arg == name]
            if not given and 0 <= position < len(node.args):
                if any(isinstance(a, ast.Starred) for a in node.args[: position + 1]):
                    return {VARIES}
                given = [node.args[position]]
            for value in given:
                found |= self.templates(other, value)
            if not given:
                found |= self._default(module, function, name)
        return found if calls else {VARIES}

    def _calls_of(
        self, module: _Module, name: str, *, by_attribute: bool
    ) -> Iterator[tuple[_Module, ast.Call]]:
        """The calls of ``name`` defined in ``module``: by that name in it or where it is
        imported; a method's (``by_attribute``) by ``.name`` anywhere too (in the modules whose
        text holds ``name``: no other calls it by name)."""
        for dotted in [dotted for dotted, (_, text) in self.texts.items() if name in text]:
            other = self._parse(dotted)
            for node in other.calls.get(("Name", name), []):
                if other is module or other.imported.get(name) == (module.name, name):
                    yield other, node
            if by_attribute:
                for node in other.calls.get(("Attribute", name), []):
                    yield other, node

    def _default(self, module: _Module, function: _Function, name: str) -> set[str]:
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = dict(
            zip(
                [a.arg for a in positional[len(positional) - len(arguments.defaults) :]],
                arguments.defaults,
                strict=True,
            )
        )
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            if default is not None:
                defaults[parameter.arg] = default
        return self.templates(module, defaults[name]) if name in defaults else {VARIES}

    def _attribute(self, module: _Module, node: ast.Attribute) -> set[str]:
        """``self.name``: what the methods of its class assign to it; ``module.NAME``: that
        module's constant (``messages.UNHANDLED``, after ``from .. import messages``)."""
        named = self.module_named(module, node.value)
        if named is not None:
            return self._global(named, node.attr)
        cls = self.class_of(module, node)
        if cls is None or not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            return {VARIES}
        found: set[str] = set()
        for assign in source_trees.walk(cls):
            if isinstance(assign, ast.Assign):
                for target in assign.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr == node.attr
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        found |= self.templates(module, assign.value)
        return found or {VARIES}

    def _call(self, module: _Module, node: ast.Call, env: _Env | None) -> set[str]:
        """A call of the package's own function (or method, by its name in the module): what
        it returns, its parameters holding what this call passes. ``error_body(reason)``: the
        reason."""
        name = _called_name(node)
        if name == "error_body" and node.args:
            return self.templates(module, node.args[0], env)
        defined = self._defined(module, node)
        if not defined:
            return {VARIES}
        found: set[str] = set()
        for owner, function in defined:
            bound = self._bound(module, node, env, owner, function)
            for returned in source_trees.walk(function):
                if (
                    isinstance(returned, ast.Return)
                    and returned.value is not None
                    and self.function_of(owner, returned) is function
                ):
                    found |= self.templates(owner, returned.value, (function, bound))
        return found

    def _bound(
        self, module: _Module, node: ast.Call, env: _Env | None, owner: _Module, function: _Function
    ) -> dict[str, set[str]]:
        """What ``node`` passes to each parameter of ``function`` (its default, if it passes
        none; nothing known for what it passes as ``*args`` or ``**kwargs``)."""
        arguments = function.args
        positional = [a.arg for a in [*arguments.posonlyargs, *arguments.args]]
        if isinstance(node.func, ast.Attribute) and self.class_of(owner, function) is not None:
            positional = positional[1:]  # (self)
        bound: dict[str, set[str]] = {}
        for parameter in [*positional, *(a.arg for a in arguments.kwonlyargs)]:
            bound[parameter] = self._default(owner, function, parameter)
        for parameter, value in zip(positional, node.args, strict=False):
            if isinstance(value, ast.Starred):
                break
            bound[parameter] = self.templates(module, value, env)
        for keyword in node.keywords:
            if keyword.arg is not None:
                bound[keyword.arg] = self.templates(module, keyword.value, env)
        return bound

    def _defined(self, module: _Module, node: ast.Call) -> list[tuple[_Module, _Function]]:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                return [(module, f) for f in module.functions[func.id]]
            if func.id in module.imported:
                source, original = module.imported[func.id]
                other = self.module(source)
                if other is not None and original in other.functions:
                    return [(other, f) for f in other.functions[original]]
        elif isinstance(func, ast.Attribute) and func.attr in module.functions:
            return [(module, f) for f in module.functions[func.attr]]
        return []


def _joined(parts: Iterable[set[str]]) -> set[str]:
    """Each concatenation of one template of each part (an empty part: nothing)."""
    choices = [sorted(part) for part in parts]
    if any(not choice for choice in choices):
        return set()
    total = 1
    for choice in choices:
        total *= len(choice)
    if total > _MOST:
        return {VARIES}
    return {"".join(combination) for combination in itertools.product(*choices)}
