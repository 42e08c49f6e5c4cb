"""Writes `alexaskill.graphemes._NEWER`: the grapheme break values of the characters that the
running Python's Unicode database has no category for (or another one), by the general category
the newer Unicode gives them, as `alexaskill.graphemes` reads categories (Mn, Me: Extend; Mc:
SpacingMark; Cc, Cf, Zl, Zp: Control). Characters in graphemes.py's other tables are left out:
those tables already give their value.

The source: the general categories of unicodedata2 (PyPI), of the Unicode version that the
simulator's page segments by (Chromium's ``Intl.Segmenter``: Unicode 17.0 in Debian's Chromium
150), against Python 3.11's unicodedata (Unicode 14.0, the oldest alexaskill runs on). Only this
script reads unicodedata2; alexaskill never imports it. In a Python 3.11 virtual environment::

    pip install -e . unicodedata2==17.0.1
    python tools/graphemes_newer.py            # the table, as graphemes.py writes it
    python tools/graphemes_newer.py --check    # exit status 1 when graphemes.py's differs

tests/test_simulator_browser_ssml.py cuts every character the page's Unicode has and Python's
does not, as the page cuts it and as alexaskill does: a Chromium of a newer Unicode fails there
until the table is made anew with the unicodedata2 of its version.
"""

from __future__ import annotations

import importlib
import sys
import unicodedata

from alexaskill import graphemes

#: The Unicode of Python 3.11, which the table makes up for.
OLDEST = "14.0.0"
NAMES = {graphemes._EXTEND: "_EXTEND", graphemes._SPACING_MARK: "_SPACING_MARK"}
NAMES |= {graphemes._CONTROL: "_CONTROL", graphemes._OTHER: "_OTHER"}


def newer() -> dict[int, list[tuple[int, int]]]:
    """The table: each value's runs of code points (first, last), ascending."""
    if unicodedata.unidata_version != OLDEST:
        sys.exit(f"run with Python 3.11 (Unicode {OLDEST}): {unicodedata.unidata_version} here")
    newest = importlib.import_module("unicodedata2")
    tabled = [ranges for _, ranges in graphemes._TABLES] + [graphemes._LINKERS]
    table: dict[int, list[tuple[int, int]]] = {}
    for code in range(0x110000):
        char = chr(code)
        old = graphemes._CATEGORIES.get(unicodedata.category(char), graphemes._OTHER)
        new = graphemes._CATEGORIES.get(str(newest.category(char)), graphemes._OTHER)
        if old == new or any(code in ranges for ranges in tabled):
            continue
        runs = table.setdefault(new, [])
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return dict(sorted(table.items()))


def written(table: dict[int, list[tuple[int, int]]]) -> str:
    """``table`` as graphemes.py writes `_NEWER`, in lines of at most 100 characters."""
    version = importlib.import_module("unicodedata2").unidata_version
    made = (
        f"#: Made by tools/graphemes_newer.py from Unicode {version}'s categories (unicodedata2)."
    )
    lines = [made, "_NEWER: Final = ("]
    for kind, runs in table.items():
        items = [
            f"{first:04X}-{last:04X}" if last > first else f"{first:04X}" for first, last in runs
        ]
        rows: list[str] = []
        for item in items:
            if rows and len(rows[-1]) + len(item) < 84:
                rows[-1] += f" {item}"
            else:
                rows.append(item)
        if len(rows) == 1 and len(rows[0]) < 70:  # one line, as ruff format writes it
            lines.append(f'    ({NAMES[kind]}, _Ranges("{rows[0]}")),')
            continue
        strings = [f'            "{row} "' for row in rows[:-1]] + [f'            "{rows[-1]}"']
        lines += [
            f"    (\n        {NAMES[kind]},\n        _Ranges(",
            *strings,
            "        ),\n    ),",
        ]
    lines.append(")")
    return "\n".join(lines)


def main() -> int:
    """Prints the table, or with ``--check`` says whether graphemes.py holds it."""
    table = newer()
    if "--check" not in sys.argv[1:]:
        print(written(table))
        return 0
    held = {kind: ranges.spans() for kind, ranges in graphemes._NEWER}
    if held == table:
        print(f"graphemes._NEWER holds the {sum(len(runs) for runs in table.values())} runs")
        return 0
    for kind in sorted(held.keys() | table.keys()):
        made, kept = set(table.get(kind, [])), set(held.get(kind, []))
        for first, last in sorted(made ^ kept):
            where = "missing from graphemes._NEWER" if (first, last) in made else "not made here"
            print(f"{NAMES[kind]}: {first:04X}-{last:04X} {where}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
