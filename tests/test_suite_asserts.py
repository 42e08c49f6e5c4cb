"""The suite's own helper modules say what failed: each of tests/ that asserts (a shared
helper's check, not a test module's, which pytest rewrites itself) is registered in
tests/conftest.py for pytest to rewrite, or its failed assert says nothing but its line."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _registered() -> set[str]:
    """The modules tests/conftest.py has pytest rewrite (``register_assert_rewrite``)."""
    return {
        arg.value
        for node in ast.walk(ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "register_assert_rewrite"
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }


def test_each_helper_module_that_asserts_is_rewritten() -> None:
    # tests/dispatch_shared.py (split from test_dispatch.py, where its assert was rewritten)
    # asserted a handler was found, and failing said "AssertionError" alone: no helper's was
    # registered unless someone thought of it.
    asserting = sorted(
        f"tests.{path.stem}"
        for path in TESTS.glob("*.py")
        if not path.name.startswith("test_")
        and path.name != "conftest.py"
        and any(isinstance(node, ast.Assert) for node in ast.walk(ast.parse(path.read_text())))
    )
    unregistered = [name for name in asserting if name not in _registered()]
    assert unregistered == [], f"register these in tests/conftest.py: {unregistered}"
