"""The suite's own helper modules say what failed: each of tests/ that asserts (a shared
helper's check, not a test module's, which pytest rewrites itself) is registered in
tests/conftest.py for pytest to rewrite, or its failed assert says nothing but its line."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from .oldest_dependencies import imported_test_modules

TESTS = Path(__file__).resolve().parent


def asserting_helpers(folder: Path) -> list[str]:
    """The helper modules of ``folder`` (as ``tests.NAME``) with an ``assert`` of their own: not
    the test modules nor conftest.py, which pytest rewrites without being asked."""
    return sorted(
        f"tests.{path.stem}"
        for path in folder.glob("*.py")
        if not path.name.startswith("test_")
        and path.name != "conftest.py"
        and any(
            isinstance(node, ast.Assert)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )


def registered(conftest: Path) -> list[str]:
    """The modules ``conftest`` has pytest rewrite (``register_assert_rewrite``), in order, as
    often as each is named."""
    return [
        arg.value
        for node in ast.walk(ast.parse(conftest.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "register_assert_rewrite"
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]


def test_each_helper_module_that_asserts_is_rewritten() -> None:
    # tests/dispatch_shared.py (split from test_dispatch.py, where its assert was rewritten)
    # asserted a handler was found, and failing said "AssertionError" alone: no helper's was
    # registered unless someone thought of it.
    names = registered(TESTS / "conftest.py")
    unregistered = [name for name in asserting_helpers(TESTS) if name not in names]
    assert unregistered == [], f"register these in tests/conftest.py: {unregistered}"


def test_each_registration_names_a_helper_that_asserts_once() -> None:
    # The other way round: a name registered twice (tests.ssml_shared was, in the list and on a
    # line of its own), or one that names no asserting helper (misspelt, renamed, its asserts
    # gone), is a registration nobody can tell is needed.
    names = registered(TESTS / "conftest.py")
    assert sorted({name for name in names if names.count(name) > 1}) == []
    assert sorted(set(names) - set(asserting_helpers(TESTS))) == []


def test_each_helper_module_that_asserts_is_rewritten_as_imported() -> None:
    # Registered is not rewritten: a module imported before its registration (conftest's own
    # imports come first) keeps plain asserts. Rewritten modules carry the names pytest's rewrite
    # inserts (`@pytest_ar`, from _pytest.assertion.rewrite), whatever registered them.
    plain = [
        name
        for name in asserting_helpers(TESTS)
        if "@pytest_ar" not in vars(importlib.import_module(name))
    ]
    assert plain == []


def test_the_guard_finds_a_helper_that_asserts_unregistered(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        'import pytest\npytest.register_assert_rewrite("tests.said", "tests.quiet")\n',
        encoding="utf-8",
    )
    (tmp_path / "said.py").write_text("def check(x):\n    assert x == 1\n", encoding="utf-8")
    (tmp_path / "unsaid.py").write_text("def check(x):\n    assert x\n", encoding="utf-8")
    (tmp_path / "quiet.py").write_text("def check(x):\n    return x == 1\n", encoding="utf-8")
    (tmp_path / "test_own.py").write_text("def test_it():\n    assert 1\n", encoding="utf-8")
    names = registered(tmp_path / "conftest.py")
    assert asserting_helpers(tmp_path) == ["tests.said", "tests.unsaid"]
    assert [name for name in asserting_helpers(tmp_path) if name not in names] == ["tests.unsaid"]
    assert sorted(set(names) - set(asserting_helpers(tmp_path))) == ["tests.quiet"]


def test_a_helpers_failing_assert_says_both_sides() -> None:
    # tests/ssml_shared.py's `assert advice in said, said`: plain, it would say the refusal only.
    from tests.ssml_shared import refusal_advises

    with pytest.raises(AssertionError) as failed:
        refusal_advises("<speak>Tom & Jerry</speak>", "no such advice")
    assert "assert 'no such advice' in " in str(failed.value)


def sibling_tests(path: Path) -> list[str]:
    """The test modules (``test_*``) of tests/ that the module at ``path`` imports, by name."""
    return sorted(name for name in imported_test_modules(path) if name.startswith("test_"))


def test_no_module_of_the_suite_imports_a_test_module() -> None:
    # Ten test modules took helpers from a sibling's, most of them private (test_cli_serve_exit
    # _twice.py took test_cli_serve_exit.py's `_held`, test_dynamodb_hooks.py test_store_fork.py's
    # `_in_a_fork`): tidying, splitting or renaming one test module broke another's, which
    # nothing in the first said. What two test modules share lives in a helper module of tests/
    # (`*_shared.py`).
    found = [
        f"{path.name} imports {name}"
        for path in sorted(TESTS.glob("*.py"))
        for name in sibling_tests(path)
    ]
    assert found == [], "move what these take into a tests/*_shared.py module:\n" + "\n".join(found)


def test_the_guard_finds_each_import_of_a_test_module(tmp_path: Path) -> None:
    source = """\
from .test_cli import lines
from tests.test_store import store
from tests import test_docs
from . import test_layers, cli_shared
import tests.test_models
def helper():
    from .test_store_fork import _in_a_fork
from .cli_shared import lines
from tests.cli_run import test_value
from . import dropped_reply_shared
import tests.testing_shared
import pytest
"""
    (tmp_path / "test_split.py").write_text(source, encoding="utf-8")
    assert sibling_tests(tmp_path / "test_split.py") == [
        "test_cli",
        "test_docs",
        "test_layers",
        "test_models",
        "test_store",
        "test_store_fork",
    ]
