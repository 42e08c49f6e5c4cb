"""``python -m alexaskill``: the ``alexaskill`` command."""

from __future__ import annotations

from alexaskill.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
