"""Every reason a refusal of the skill's endpoint can give (HTTP 400, ``{"error": reason}``), read
from alexaskill's own source, for tests/test_docs_reasons.py to hold README's table to.

The source is read, not run: each `RequestError` made with a reason (a `VerificationError` of the
verifier, a `MalformedRequestError` of the envelope's decoding, a `SkillIdError` of the app), and
each ``400`` the endpoint answers itself (`alexaskill.endpoint`). A reason is a template: what
the code spells out is kept, what it works out at run time (a number, a header's name, msgspec's
words) is ``…`` (tests/reason_templates.py follows names to what they hold; tests/reason_modules.py
parses the modules).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Final

from alexaskill.exceptions import RequestError
from tests import source_trees
from tests.reason_modules import _binds, _called_name, _Function, _Module
from tests.reason_templates import VARIES, Templates

__all__ = ["VARIES", "Source", "reasons"]

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


class Source(Templates):
    """The package's modules, and the templates an expression in them may give. Each is parsed
    only if it may make a refusal (`refusals`) or a reason's templates lead to it (what it
    defines; a call, in a module whose text names the function called): parsing all ~300 was
    most of the 3 s the test took, and the others hold nothing the reader could find."""

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
            for node in module.nodes:
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
        """Whether ``node`` makes a `RequestError`: by its class's name (``exceptions.`` before
        it too), as ``cls`` in one of the family's class methods, or through a local variable
        that holds a class (``kind``) and is raised."""
        name = _called_name(node)
        func = node.func
        if name in family and (
            isinstance(func, ast.Name)
            or (
                isinstance(func, ast.Attribute)
                and self.module_named(module, func.value) is not None
            )
        ):
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
                for statement in source_trees.walk(function)
            )
        return raised and self._holds_family_class(module, function, node.func.id, family)

    def _holds_family_class(
        self, module: _Module, function: _Function, name: str, family: set[str]
    ) -> bool:
        """Whether the local variable ``name`` of ``function`` is assigned one of the family's
        classes, or is unpacked (``kind, reason = failure``) in a module that imports one."""
        imports_one = any(original in family for _, original in module.imported.values())
        for node in source_trees.walk(function):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    if any(
                        isinstance(n, ast.Name) and n.id in family
                        for n in source_trees.walk(node.value)
                    ):
                        return True
                elif _binds(target, name) and imports_one:
                    return True
        return False


def reasons(source: Source | None = None) -> dict[str, list[str]]:
    """Every reason template the endpoint may answer a 400 with, and where each is made (in
    ``source``: the package as it is, by default)."""
    found: dict[str, list[str]] = {}
    for where, line, templates in (source or Source()).refusals():
        for template in templates:
            found.setdefault(template, []).append(f"{where}:{line}")
    return found
