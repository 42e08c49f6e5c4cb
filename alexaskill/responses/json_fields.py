"""The fields msgspec encodes of an object (a `msgspec.Struct`, a dataclass, an attrs instance),
and the path to a value as Python reaches it (``['data'].price[0]``): what the checks of a
value as JSON writes it (`alexaskill.responses.as_written`, `alexaskill.responses.written_out`)
look into and name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Final

import msgspec

from ..shown_names import shown_value

__all__: list[str] = []  # helpers for as_written, written_out and encoding


class _Field(str):
    """A step of a path that is the field of an object (a Struct's, a dataclass's): ``.name``."""

    __slots__ = ()


def _where(path: list[Any]) -> str:
    """``['data'].price[0]``: a path as Python reaches it, each key cut (`shown_value`: a key
    made of the user's words or a store's may be long)."""
    return "".join(
        f".{step}" if type(step) is _Field else f"[{shown_value(step)}]" for step in path
    )


def _fields(value: object) -> dict[str, Any] | None:
    """The fields msgspec encodes of ``value``, a `msgspec.Struct`, a dataclass or an attrs
    instance, by name; None for any other value. Not what msgspec leaves out, which Alexa never
    gets: an ``omit_defaults`` Struct's field at its default, an attrs field whose name starts
    with ``_``, a field never set."""
    if isinstance(value, msgspec.Struct):
        names: Iterable[str] = value.__struct_fields__
        config = value.__struct_config__
        if config.omit_defaults and not config.array_like:
            defaults = value.__struct_defaults__
            first = len(value.__struct_fields__) - len(defaults)
            names = [
                name
                for index, name in enumerate(value.__struct_fields__)
                if index < first or not _is_default(getattr(value, name), defaults[index - first])
            ]
    else:
        kind = type(value)
        if dataclasses.is_dataclass(kind):
            names = [field.name for field in dataclasses.fields(kind)]
        else:
            attributes = getattr(kind, "__attrs_attrs__", None)
            if attributes is None:
                return None
            names = [a.name for a in attributes if not a.name.startswith("_")]
    fields = {name: getattr(value, name, _NEVER_SET) for name in names}
    return {name: item for name, item in fields.items() if item is not _NEVER_SET}


#: A field's value when it was never set (a dataclass's ``field(init=False)``).
_NEVER_SET: Final = object()
#: The default factories whose empty value (of that very type) msgspec takes for the default.
_EMPTY_DEFAULTS: Final = (list, dict, set)


def _is_default(value: Any, default: Any) -> bool:
    """Whether an ``omit_defaults`` Struct leaves out a field holding ``value`` (msgspec's
    rule: the default itself, or an empty list, dict or set made by its factory)."""
    if value is default:
        return True
    factory = getattr(default, "factory", None)  # (msgspec's Factory of a default_factory)
    return factory in _EMPTY_DEFAULTS and type(value) is factory and not value
