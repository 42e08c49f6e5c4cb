"""Imports point down: no module the app uses imports the app back, not even for type checks.

A cycle through ``TYPE_CHECKING`` is still a cycle for a reader and for mypy; a lower module
that needs something of a `Skill` says what in a Protocol (`alexaskill.aws_lambda.LambdaSkill`,
`alexaskill.interaction.ModelSource`).

And no module grows past ~550 lines: it is then two concerns, split along its seams.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "alexaskill"


def imported_modules(path: Path) -> set[str]:
    """The alexaskill modules ``path`` imports anywhere (top level, functions, TYPE_CHECKING)."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
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


def test_what_the_app_imports_does_not_import_the_app() -> None:
    below = sorted(m for m in imported_modules(PACKAGE / "app.py") if m != "alexaskill")
    assert "alexaskill.aws_lambda" in below and "alexaskill.interaction" in below
    cycles = []
    for name in below:
        path = module_path(name)
        if path is not None and "alexaskill.app" in imported_modules(path):
            cycles.append(name)
    assert cycles == [], f"these modules import alexaskill.app back: {cycles}"


#: Past this a module is two concerns; split it along its seams, as a package if need be
#: (STYLE.md: "A file over ~500 lines is a smell"; issue 13).
MAX_MODULE_LINES = 550


def test_no_module_is_longer_than_the_limit() -> None:
    lengths = {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text().splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(lengths) > 50 and "alexaskill/models/envelope.py" in lengths  # the walk finds them
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"
