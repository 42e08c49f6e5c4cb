"""How numbers are written in the spoken sentence's language: ``3,5`` in German, ``3.5`` in
English (`alexaskill.i18n` fills the placeholders of a translated sentence with them)."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from typing import Any, Final

from .i18n_catalogs import alexa_name

__all__ = ["has_numbers", "localised", "number_marks"]


#: The marks of numbers where a locale's differ from Python's "." and ",": (decimal mark, group
#: separator), by locale or language, as CLDR has them (Babel's data).
_NUMBER_MARKS: Final = {
    "de": (",", "."),
    "es": (",", "."),
    "es-MX": (".", ","),
    "es-US": (".", ","),
    "fr": (",", "\u202f"),
    "fr-CA": (",", "\xa0"),
    "it": (",", "."),
    "nl": (",", "."),
    "pt": (",", "."),
}


def number_marks(locale: str | None) -> dict[int, str] | None:
    """The `str.translate` table from Python's number marks to ``locale``'s; None: the same."""
    if not locale:
        return None
    locale = alexa_name(locale)
    found = _NUMBER_MARKS.get(locale) or _NUMBER_MARKS.get(locale.partition("-")[0])
    if found is None or found == (".", ","):
        return None
    return str.maketrans({".": found[0], ",": found[1]})


class _Number:
    """A number that formats with a locale's marks: ``{x}``, ``{x:.2f}``, ``{x:,}``, ``{x!s}``."""

    __slots__ = ("marks", "value")

    def __init__(self, value: int | float | decimal.Decimal, marks: dict[int, str]) -> None:
        self.value = value
        self.marks = marks

    def __format__(self, spec: str) -> str:
        return format(self.value, spec).translate(self.marks)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return repr(self.value)

    def __getattr__(self, name: str) -> Any:
        return _reached(getattr(self.value, name), self.marks)


class _Holder:
    """Another value, whose numbers a placeholder reaches (``{w.temp}``, ``{prices[0]}``) are
    written with the locale's marks too; the value itself formats as it would. Every attribute
    is the value's (``{w.value}``, an enum's ``{c.value}``): the holder's own are reached through
    ``object.__getattribute__``."""

    __slots__ = ("_held",)

    def __init__(self, value: object, marks: dict[int, str]) -> None:
        object.__setattr__(self, "_held", (value, marks))

    def __format__(self, spec: str) -> str:
        return format(object.__getattribute__(self, "_held")[0], spec)

    def __str__(self) -> str:
        return str(object.__getattribute__(self, "_held")[0])

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_held")[0])

    def __getattribute__(self, name: str) -> Any:
        value, marks = object.__getattribute__(self, "_held")
        return _reached(getattr(value, name), marks)

    def __getitem__(self, key: Any) -> Any:
        value, marks = object.__getattribute__(self, "_held")
        return _reached(value[key], marks)


def _reached(value: Any, marks: dict[int, str]) -> Any:
    if _is_number(value):
        return _Number(value, marks)
    if value is None or isinstance(value, (str, bytes, bool)):
        return value  # a str (and `Ssml`) holds no number a field can reach
    return _Holder(value, marks)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def has_numbers(params: Mapping[str, Any]) -> bool:
    """Whether a value of ``params`` is a number (not a `bool`) or may hold one (not a str)."""
    return any(
        value is not None and not isinstance(value, (str, bytes, bool)) for value in params.values()
    )


def localised(params: Mapping[str, Any], marks: dict[int, str] | None) -> Mapping[str, Any]:
    """``params`` with each number (not a `bool`) written with ``marks``, and the numbers that
    fields reach in the other values (``{w.temp}``, ``{prices[0]}``)."""
    if marks is None:
        return params
    return {key: _reached(value, marks) for key, value in params.items()}
