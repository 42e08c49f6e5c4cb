"""Words said (or a name the model's author wrote) as a note quotes them: `quoted`, cut as
alexaskill/shown_names.py cuts a long value, so that a direct `Understander.understand` of a
line of 50,000 characters (chat and the simulator cap one at 2,000) makes no note as long."""

from __future__ import annotations

from ..shown_names import MAX_SHOWN, shown

__all__ = ["named", "quoted"]


def quoted(said: str) -> str:
    """``said`` in quotes, as its ``repr``: whole up to `MAX_SHOWN` characters, else its head
    and tail around "…", then its length (`shown`)."""
    return shown(said, quoted=True)


def named(name: str) -> str:
    """``name`` (the skill's, as the user said it) in double quotes, cut as `quoted` cuts
    words, its length after the quotes: ``"corner cafe"``, ``"www…www" (5,000 characters)``."""
    if len(name) <= MAX_SHOWN:
        return f'"{name}"'
    cut, length = shown(name).rsplit(" (", 1)
    return f'"{cut}" ({length}'
