"""README's module map read, for tests/test_layers.py (every module named, its imports pointing
up the map) and tests/test_docs.py (no row naming a module there is not, none twice)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def module_map() -> list[tuple[set[str], str]]:
    """The rows of README's module map, top to bottom: the modules each names in its first
    column (``models``, ``cli``), and the whole row."""
    readme = README.read_text(encoding="utf-8")
    section = readme.split("### The module map", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [
        (
            {
                n.rstrip("/").removesuffix(".py")
                for n in re.findall(r"`([^`]+)`", row.split("|")[1])
            },
            row,
        )
        for row in rows
    ]
