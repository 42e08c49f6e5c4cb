r"""alexaskill's docstrings hold no control characters: an escape written in a docstring that
is not raw (``"\x00"`` meant as the text ``\x00``) puts the character itself into ``help()``
and the documentation tools' output."""

from __future__ import annotations

import ast
from pathlib import Path

import alexaskill

_PACKAGE = Path(alexaskill.__file__).parent


def test_no_docstring_holds_a_control_character() -> None:
    found = []
    for path in sorted(_PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(
                node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                continue
            doc = ast.get_docstring(node, clean=False) or ""
            odd = sorted({c for c in doc if ord(c) < 32 and c not in "\n\t"})
            if odd:
                where = getattr(node, "name", "the module")
                found.append(f"{path.relative_to(_PACKAGE)}: {where}: {odd!r}")
    assert not found, 'docstrings holding control characters (write \\\\x00, or r"""):\n' + (
        "\n".join(found)
    )
