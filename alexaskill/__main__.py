"""``python -m alexaskill``: the ``alexaskill`` command."""

from __future__ import annotations

from alexaskill.cli import _program

if __name__ == "__main__":
    raise SystemExit(_program())
