"""Every reason a refusal of the skill's endpoint can give (HTTP 400, ``{"error": reason}``), read
from alexaskill's own source, for tests/test_docs_reasons.py to hold README's table to.

The source is read, not run: each `RequestError` made with a reason (a `VerificationError` of the
verifier, a `MalformedRequestError` of the envelope's decoding, a `SkillIdError` of the app), and
each ``400`` the endpoint answers itself (`alexaskill.endpoint`). A reason is a template: what
the code spells out is kept, what it works out at run time (a number, a header's name, msgspec's
words) is ``…``. Names are followed to what they hold: a module's constants (imported ones too),
a function's local variables and what it returns, an attribute ``self`` was given, and a
parameter to what its callers pass.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from alexaskill.exceptions import RequestError

PACKAGE: Final = Path(__file__).resolve().parent.parent / "alexaskill"
VARIES: Final = "…"

#: Modules whose refusals are no HTTP answer of the endpoint's: the invocations of
#: ``skill.lambda_handler`` are no HTTP requests (Lambda reports the error), nor signed.
NOT_SERVED: Final = frozenset({"lambda_events.py"})
#: Errors of the family that no request can cause, only a caller's code.
NOT_A_REQUESTS: Final = frozenset(
    {
        # `check_signature` given a signature that is no str: the endpoint's headers always are.
        "_NotText",
    }
)
#: Templates per expression, at most: past it, the expression is said to vary whole.
_MOST: Final = 64
_VARIES_RUN: Final = re.compile(r"…(?:\s*…)+")


def _family() -> set[str]:
    """The names of `RequestError` and of every class below it (the package imported whole)."""
    import alexaskill.verify.verifier  # noqa: F401  (its modules, and so their classes, loaded)

    names: set[str] = set()
    stack: list[type] = [RequestError]
    while stack:
        cls = stack.pop()
        names.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return names


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    #: Its calls, by how the callee is named: (``"Name"`` or ``"Attribute"``, the name).
    calls: dict[tuple[str, str | None], list[ast.Call]] = field(default_factory=dict)


_Function = ast.FunctionDef | ast.AsyncFunctionDef
#: A function being called, and what its parameters hold for that call.
_Env = tuple[_Function, dict[str, set[str]]]


class Source:
    """The package's modules, and the templates an expression in them may give. Each is parsed
    only if it may make a refusal (`refusals`) or a reason's templates lead to it (what it
    defines; a call, in a module whose text names the function called): parsing all ~300 was
    most of the 3 s the test took, and the others hold nothing the reader could find."""

    def __init__(self, package: Path = PACKAGE) -> None:
        self.package = package
        self.texts: dict[str, tuple[Path, str]] = {}
        for path in sorted(package.rglob("*.py")):
            dotted = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            self.texts[dotted.removesuffix(".__init__")] = (path, path.read_text())
        self.parsed: dict[str, _Module] = {}
        self._busy: set[int] = set()
        self._known: dict[int, set[str]] = {}

    def module(self, dotted: str) -> _Module | None:
        """The package's module ``dotted`` (parsed once), or None if the package has none."""
        return self._parse(dotted) if dotted in self.texts else None

    def _parse(self, dotted: str) -> _Module:
        if dotted not in self.parsed:
            self.parsed[dotted] = self._read(*self.texts[dotted], dotted)
        return self.parsed[dotted]

    def _read(self, path: Path, text: str, dotted: str) -> _Module:
        module = _Module(dotted, path, ast.parse(text))
        package = dotted.split(".") if path.name == "__init__.py" else dotted.split(".")[:-1]
        for node in ast.walk(module.tree):
            for child in ast.iter_child_nodes(node):
                module.parents[child] = node
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

    def function_of(self, module: _Module, node: ast.AST) -> _Function | None:
        return next((a for a in self._ancestors(module, node) if isinstance(a, _Function)), None)

    def class_of(self, module: _Module, node: ast.AST) -> ast.ClassDef | None:
        return next((a for a in self._ancestors(module, node) if isinstance(a, ast.ClassDef)), None)

    # -- what an expression may be ---------------------------------------------------------

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
        for node in ast.walk(function):
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

    def _ancestors(self, module: _Module, node: ast.AST) -> Iterator[ast.AST]:
        while node in module.parents:
            node = module.parents[node]
            yield node

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
        """``self.name``: what the methods of its class assign to it."""
        cls = self.class_of(module, node)
        if cls is None or not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            return {VARIES}
        found: set[str] = set()
        for assign in ast.walk(cls):
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
            for returned in ast.walk(function):
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

    # -- the reasons -----------------------------------------------------------------------

    def refusals(self) -> Iterator[tuple[str, int, set[str]]]:
        """Each place that makes a refusal's reason: (module file, line, its templates)."""
        family = _family() - NOT_A_REQUESTS
        # A refusal is made by naming a class of the family (the reader follows no other way to
        # one; `_makes_refusal`), or is the endpoint's own 400: no other module can hold one.
        names = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(family))) + r")\b")
        for dotted, (path, text) in self.texts.items():
            if path.name in NOT_SERVED:
                continue
            if dotted != "alexaskill.endpoint" and names.search(text) is None:
                continue
            module = self._parse(dotted)
            where = str(module.path.relative_to(self.package.parent))
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call) and self._makes_refusal(module, node, family):
                    if node.args:  # (none: the class's own `reason`, which no request gets)
                        yield where, node.lineno, self.templates(module, node.args[0])
                elif dotted == "alexaskill.endpoint" and isinstance(node, ast.Return):
                    # The answers it makes itself: ``return 400, body`` (a status, its body).
                    if not isinstance(node.value, ast.Tuple) or len(node.value.elts) < 2:
                        continue
                    first = node.value.elts[0]
                    if isinstance(first, ast.Constant) and first.value == 400:
                        yield where, node.lineno, self.templates(module, node.value.elts[1])

    def _makes_refusal(self, module: _Module, node: ast.Call, family: set[str]) -> bool:
        """Whether ``node`` makes a `RequestError`: by its class's name, as ``cls`` in one of
        the family's class methods, or through a local variable that holds a class (``kind``)
        and is raised."""
        name = _called_name(node)
        if name in family and isinstance(node.func, ast.Name):
            return True
        cls = self.class_of(module, node)
        if name == "cls" and cls is not None and cls.name in family:
            return True
        function = self.function_of(module, node)
        if function is None or not isinstance(node.func, ast.Name):
            return False
        parent = module.parents.get(node)
        raised = isinstance(parent, ast.Raise)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
            target = parent.targets[0]
            raised = isinstance(target, ast.Name) and any(
                isinstance(statement, ast.Raise)
                and isinstance(statement.exc, ast.Name)
                and statement.exc.id == target.id
                for statement in ast.walk(function)
            )
        return raised and self._holds_family_class(module, function, node.func.id, family)

    def _holds_family_class(
        self, module: _Module, function: _Function, name: str, family: set[str]
    ) -> bool:
        """Whether the local variable ``name`` of ``function`` is assigned one of the family's
        classes, or is unpacked (``kind, reason = failure``) in a module that imports one."""
        imports_one = any(original in family for _, original in module.imported.values())
        for node in ast.walk(function):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    if any(
                        isinstance(n, ast.Name) and n.id in family for n in ast.walk(node.value)
                    ):
                        return True
                elif _binds(target, name) and imports_one:
                    return True
        return False


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
            if any(n is node for n in ast.walk(child)):
                return part
    return ""


def _binds(target: ast.AST, name: str) -> bool:
    """Whether assigning to ``target`` binds ``name`` (a name, or one in a tuple unpacked)."""
    return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(target))


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


def reasons(source: Source | None = None) -> dict[str, list[str]]:
    """Every reason template the endpoint may answer a 400 with, and where each is made (in
    ``source``: the package as it is, by default)."""
    found: dict[str, list[str]] = {}
    for where, line, templates in (source or Source()).refusals():
        for template in templates:
            found.setdefault(template, []).append(f"{where}:{line}")
    return found
