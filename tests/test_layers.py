"""Imports point down: no module the app uses imports the app back, not even for type checks.

A cycle through ``TYPE_CHECKING`` is still a cycle for a reader and for mypy; a lower module
that needs something of a `Skill` says what in a Protocol (`alexaskill.aws_lambda.LambdaSkill`,
`alexaskill.interaction.ModelSource`).

And no module grows past ~500 lines (520 at most): it is then two concerns, split along its seams.
What a module gives (its `__all__`) is what other modules use: understanding/denials.py's.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from . import source_trees
from .module_map import module_map

PACKAGE = Path(__file__).resolve().parent.parent / "alexaskill"


@dataclass(frozen=True)
class _Read:
    """What the checks below read of a module of the package (its tree let go)."""

    #: Its import statements from anywhere (top level, functions, TYPE_CHECKING).
    imports: tuple[ast.ImportFrom | ast.Import, ...]
    #: Its ``from ... import`` statements made as it loads (its body's).
    loading_imports: tuple[ast.ImportFrom, ...]
    #: What its first ``__all__ = ...`` assigns, or None.
    given: ast.expr | None
    #: Its string constants, each as often as written.
    strings: tuple[str, ...]


# Each module of the package parsed and walked once a process: the checks below read most of them
# (the app's imports twice), and each parsed them anew.
@functools.cache
def _read(path: Path) -> _Read:
    text = path.read_text(encoding="utf-8")
    tree = source_trees.parse(text)
    index = source_trees.by_type(tree)
    imports: list[ast.ImportFrom | ast.Import] = [
        *source_trees.nodes(index, ast.ImportFrom),
        *source_trees.nodes(index, ast.Import),
    ]
    return _Read(
        imports=tuple(sorted(imports, key=lambda node: (node.lineno, node.col_offset))),
        loading_imports=tuple(node for node in tree.body if isinstance(node, ast.ImportFrom)),
        given=next(
            (
                node.value
                for node in tree.body
                if isinstance(node, ast.Assign)
                and any(
                    isinstance(name, ast.Name) and name.id == "__all__" for name in node.targets
                )
            ),
            None,
        ),
        strings=tuple(
            node.value
            for node in source_trees.nodes(index, ast.Constant)
            if isinstance(node.value, str)
        ),
    )


def imported_modules(path: Path) -> set[str]:
    """The alexaskill modules ``path`` imports anywhere (top level, functions, TYPE_CHECKING)."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in _read(path).imports:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if node.module is None:
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alexaskill"):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("alexaskill"))
    return found


def module_path(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def below_the_app() -> set[str]:
    """Every alexaskill module the app imports, directly or through another (not the app)."""
    found: set[str] = set()
    pending = [m for m in imported_modules(PACKAGE / "app.py") if m != "alexaskill"]
    while pending:
        name = pending.pop()
        path = module_path(name)
        if name in found or name == "alexaskill.app" or path is None:
            continue
        found.add(name)
        pending.extend(imported_modules(path))
    return found


def test_what_the_app_imports_does_not_import_the_app() -> None:
    below = below_the_app()
    # (the walk goes past the app's own layers, down to the bottom of the package)
    assert {"alexaskill.answering", "alexaskill.aws_lambda", "alexaskill.models.envelope"} <= below
    cycles = sorted(
        name
        for name in below
        if "alexaskill.app" in imported_modules(module_path(name))  # type: ignore[arg-type]
    )
    assert cycles == [], f"these modules import alexaskill.app back: {cycles}"


#: Past this a module is two concerns; split it along its seams, as a package if need be
#: (STYLE.md: "A file over ~500 lines is a smell"; issue 13).
MAX_MODULE_LINES = 520


def test_no_module_is_longer_than_the_limit() -> None:
    # The simulator's page scripts too (alexaskill/simulator/static/*.js): one concern each.
    lengths = {
        path.relative_to(PACKAGE.parent).as_posix(): len(
            path.read_text(encoding="utf-8").splitlines()
        )
        for pattern in ("*.py", "*.js")
        for path in sorted(PACKAGE.rglob(pattern))
    }
    assert len(lengths) > 50 and "alexaskill/models/envelope.py" in lengths  # the walk finds them
    assert "alexaskill/simulator/static/simulator.js" in lengths
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_no_benchmark_module_is_longer_than_the_limit() -> None:
    # The same limit for the benchmark harness (benchmarks/load.py had grown to 688 lines).
    benchmarks = PACKAGE.parent / "benchmarks"
    lengths = {
        path.relative_to(PACKAGE.parent).as_posix(): len(
            path.read_text(encoding="utf-8").splitlines()
        )
        for path in sorted(benchmarks.rglob("*.py"))
    }
    assert "benchmarks/load.py" in lengths  # the walk finds them
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_no_test_module_is_longer_than_the_limit() -> None:
    # The same limit for tests/: the last eight modules written before it held for tests too
    # (LONG_TEST_MODULES, each allowed its length then) were split by meaning, and the list gone.
    tests = PACKAGE.parent / "tests"
    lengths = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(tests.glob("*.py"))
    }
    assert "test_layers.py" in lengths  # the walk finds them
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"test modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_the_readme_module_map_names_every_module_and_its_imports_point_up_it() -> None:
    rows = module_map()
    place = {name: index for index, (names, _) in enumerate(rows) for name in names}
    unmapped, upward = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        top = parts[0].removesuffix(".py")
        if top not in place:
            unmapped.append(parts[0])
            continue
        if (
            len(parts) > 1
            and path.name != "__init__.py"
            and f"`{path.name}`" not in rows[place[top]][1]
        ):
            unmapped.append("/".join(parts))  # a package's modules are named in its row
        # Imports made as the module loads (not in functions, not for type checkers) point up.
        for node in _read(path).loading_imports:
            if node.level != len(parts):
                continue  # another package's, or within its own package
            target = (node.module or node.names[0].name).split(".")[0]
            if target in place and place[target] > place[top]:
                upward.append(f"{'/'.join(parts)} imports {target}")
    assert unmapped == [], f"README's module map does not name: {unmapped}"
    assert upward == [], f"imports that point down README's module map: {upward}"


def test_alexa_api_imports_nothing_of_the_verifier() -> None:
    # A call's `Progress` came from `alexaskill.verify.progress` (in functions and for type
    # checks, which the module map's check above does not read): the verifier's package, below
    # alexa_api in the map, loaded for a call. It is `alexaskill.outgoing_progress` now.
    imports = {
        f"{path.name} imports {name}"
        for path in sorted((PACKAGE / "alexa_api").glob("*.py"))
        for name in imported_modules(path)
        if name == "alexaskill.verify" or name.startswith("alexaskill.verify.")
    }
    assert imports == set(), imports


def test_the_cli_reads_the_verifier_through_its_public_names() -> None:
    # cli/probes.py imported `verify.timestamp._SKILL_EVENTS` for the skill events taken an hour
    # old: they are `AlexaSkillEventRequest.types`, the public model it reads now. The one name
    # left is the --dev verifier's (its trust said once a process), named here to be seen.
    private: set[str] = set()
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node in _read(path).imports:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("verify"):
                private.update(
                    f"{path.name}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                )
    assert private == {"dev_verifier.py: verify.verifier._trust_announced"}


def test_what_an_understanding_module_gives_another_module_uses() -> None:
    # `NOT_WITHIN` was in denials.py's `__all__`, named nowhere but there, and so were
    # `opening_end` of answer_values.py, `MAX_INTENTS` of limits.py, `split_words` of text.py
    # and others: a name a module gives is one another module imports, or names in its docs
    # (`denied_after`, what reading.py reads as `not_meant`); the rest is private. A package's
    # __init__.py gives its names to the skill author, not to a module.
    # Each file's words as a set, read once: a name is a word, and 340 files searched again for
    # each name took seconds.
    words = {
        path: set(re.findall(r"\w+", path.read_text(encoding="utf-8")))
        for path in PACKAGE.rglob("*.py")
    }
    unused = []
    for path in sorted((PACKAGE / "understanding").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        assigned = _read(path).given
        given: list[str] = [] if assigned is None else ast.literal_eval(assigned)
        others = [said for other, said in words.items() if other != path]
        unused += [f"{path.name}: {name}" for name in given if not any(name in w for w in others)]
    assert unused == []


def test_the_placeholder_skill_id_is_written_once() -> None:
    # It was written in testing/requests.py, understanding/compiled.py and refusal_warnings.py:
    # three values to keep alike. It lives in skill_ids_given.py, which all three may import.
    placeholder = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
    written = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        for value in _read(path).strings
        if value == placeholder
    )
    assert written == ["skill_ids_given.py"]
