r"""alexaskill's docstrings hold no control characters: an escape written in a docstring that
is not raw (``"\x00"`` meant as the text ``\x00``) puts the character itself into ``help()``
and the documentation tools' output."""

from __future__ import annotations

import ast
from pathlib import Path

import alexaskill

from . import source_trees

_PACKAGE = Path(alexaskill.__file__).parent


def test_no_docstring_holds_a_control_character() -> None:
    found = []
    for path in sorted(_PACKAGE.rglob("*.py")):
        # (the nodes that have a docstring alone, each tree walked once: tests/source_trees.py)
        index = source_trees.indexed(path)
        documented: list[ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef] = [
            *source_trees.nodes(index, ast.Module),
            *source_trees.nodes(index, ast.ClassDef),
            *source_trees.nodes(index, ast.FunctionDef),
            *source_trees.nodes(index, ast.AsyncFunctionDef),
        ]
        for node in documented:
            doc = ast.get_docstring(node, clean=False) or ""
            odd = sorted({c for c in doc if ord(c) < 32 and c not in "\n\t"})
            if odd:
                where = getattr(node, "name", "the module")
                found.append(f"{path.relative_to(_PACKAGE)}: {where}: {odd!r}")
    assert not found, 'docstrings holding control characters (write \\\\x00, or r"""):\n' + (
        "\n".join(found)
    )
