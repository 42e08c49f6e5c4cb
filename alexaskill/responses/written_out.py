"""What JSON writes out past any reply: a list or dict held in several places, written out in
full at each (``x = [x, x]`` forty times over), which no reply of `MAX_RESPONSE_BYTES` can
carry and an encoder would work at for ever; found with bounded walks, and said with the path
to the first value under which one is held again.
"""

from __future__ import annotations

from typing import Any, Final

from ..json_scalars import JSON_SCALARS
from .json_fields import _Field, _fields, _where

__all__ = ["MAX_RESPONSE_BYTES", "written_out_past", "written_out_past_any_reply"]

#: Bytes in a whole response body (Amazon's current limit; older docs said 24 KB).
MAX_RESPONSE_BYTES: Final = 120 * 1024


def written_out_past_any_reply(field: str, value: Any, root: str = "") -> str | None:
    """Why no reply can carry ``value`` (``field``: what it is, ``"apiResponse"``; ``root``
    begins the path to the key that holds one, as `as_written._first`'s does), if JSON
    writes out more of its values than a reply holds bytes because a list or dict is held in
    several places (`written_out_past`); None otherwise (one merely large is encoded, and
    refused for the body's size with its largest parts). Asked only once something is
    suspicious (an encoding past a reply's bytes): the usual response never gets here."""
    where = written_out_past(value, MAX_RESPONSE_BYTES)
    if where is None:
        return None
    return (
        f"{field} holds more than {MAX_RESPONSE_BYTES:,} values as JSON writes them out: a "
        f"list or dict held in several places (one in {root}{_where(where)}) is written out "
        f"in full at each, so any reply would be past the {MAX_RESPONSE_BYTES:,} bytes (120 KB) "
        "Alexa takes"
    )


def written_out_past(value: Any, budget: int) -> list[Any] | None:
    """The first step (a key, an index, a field) of ``value`` under which a list or dict is
    held again (`_held_again`), if JSON writes out more than ``budget`` of its values because
    one is held in several places (written out in full at each: ``x = [x, x]`` forty times over
    is 41 lists in memory, 2**41 written out, which an encoder would work at for ever); None
    otherwise, and for one merely large. Session attributes and directives ask it with a
    reply's bytes, persistent attributes with a save's bound (`alexaskill.store.base`).

    Each walk is bounded: the first by the count of the values as written out, the second by
    the containers there are, each looked into once; neither looks at a str, number, bool or
    None but to pass it by. The fields of an object (a Struct, a dataclass) are looked into as
    a dict's values."""
    stack: list[Any] = [value]
    left = budget
    while stack:
        item = stack.pop()
        kind = type(item)  # (an exact list, tuple or dict is read as it is, not copied)
        container: Any
        if kind is list or kind is tuple:
            container = item
        elif kind is dict:
            container = item.values()
        elif kind in JSON_SCALARS:
            continue
        else:
            container = _entries(item)
            if container is None:
                continue
        left -= len(container)
        if left < 0:
            return _held_again(value)
        stack.extend(container)
    return None


def _entries(value: Any) -> list[Any] | None:
    """The values of a dict, list or tuple, or the fields of an object (`_fields`); None for
    any other value, and for an object whose fields are not read (its class raised)."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str | int | float) or value is None:
        return None
    try:
        fields = _fields(value)
    except Exception:  # (a property that raised: the encoder says it, if it reads it)
        return None
    return None if fields is None else list(fields.values())


def _held_again(value: Any) -> list[Any] | None:
    """The first step (a key, an index, a field) of ``value`` under which a container (not
    empty) is met a second time, at the same place or another, as a path; None if each is held
    once. Each is looked into once."""
    top = _steps(value)
    if top is None:
        return None
    met: set[int] = {id(value)}
    for step, inner in top:
        if type(inner) in JSON_SCALARS:
            continue
        stack = [inner]
        while stack:
            item = stack.pop()
            entries = _entries(item)
            if not entries:
                continue
            if id(item) in met:
                return [step]
            met.add(id(item))
            stack += [entry for entry in entries if type(entry) not in JSON_SCALARS]
    return None


def _steps(value: Any) -> list[tuple[Any, Any]] | None:
    """(step, value) for each key, index or field of ``value``; None for a value of none."""
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list | tuple):
        return list(enumerate(value))
    fields = _fields(value)
    return None if fields is None else [(_Field(name), item) for name, item in fields.items()]
