"""The converter of a handler parameter, chosen by its annotation: a slot in, a value out."""

from __future__ import annotations

import enum
import inspect
import logging
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from ..articles import type_with_article, with_article
from ..exceptions import ConfigurationError
from ..models import Resolutions, Slot
from ..shown_names import shown, shown_value
from .values import _PARSERS, _SUPPORTED, MISSING

__all__ = [
    "Converter",
    "converter_for",
    "is_slot_annotation",
    "unwrap_optional",
]


#: A function from the slot (``None`` when the intent has no slot of that name) to its value.
Converter = Callable[[Slot | None], Any]


logger = logging.getLogger("alexaskill")


# --- enums: matched against entity resolution, then the value --------------------------------


def _items(slot: Slot) -> list[tuple[str | None, Resolutions | None]]:
    """Each value of the slot with its own entity resolution."""
    return [(item.value, item.resolutions) for item in slot.slot_values]


_EnumParser = Callable[[str, Resolutions | None], Any]


def _enum_parser(where: str, cls: type[enum.Enum]) -> _EnumParser:
    if not len(cls):
        raise ConfigurationError(
            f"{where}: {_describe(cls)} has no members, so no slot value matches one"
        )
    members: dict[str, enum.Enum] = {}
    for member in cls:
        if not isinstance(member.value, str):
            raise ConfigurationError(
                f"{where}: {_describe(cls)} has a member {shown(member.name)} whose value is "
                "not a str; slots are matched by string"
            )
    # Names by __members__, aliases included: BIG = "large" beside LARGE = "large" is LARGE.
    for name, member in cls.__members__.items():
        members.setdefault(name.casefold(), member)
    # A member's value wins over another member's name.
    by_value: dict[str, enum.Enum] = {}
    for member in cls:
        other = by_value.setdefault(member.value.casefold(), member)
        if other is not member:
            raise ConfigurationError(
                f"{where}: {_describe(cls)} has members {shown(other.name)} "
                f"({shown_value(other.value)}) and {shown(member.name)} "
                f"({shown_value(member.value)}), whose values are equal ignoring case, as "
                "slots are matched: give them values that differ in more than case"
            )
    members.update(by_value)

    def parse(raw: str, resolutions: Resolutions | None) -> Any:
        # Every value every authority matched, best first: the first one the enum names wins
        # (entity resolution may list several, and the enum may hold only some of them).
        for match in () if resolutions is None else resolutions.matches:
            if match.id and (member := members.get(match.id.casefold())) is not None:
                return member
            if (member := members.get(match.name.casefold())) is not None:
                return member
        return members.get(raw.casefold(), MISSING)

    return parse


# --- converters --------------------------------------------------------------------------------


def _slot_itself(slot: Slot | None) -> Any:
    return MISSING if slot is None else slot


def _first_of_many(where: str | None, name: str, slot: Slot, converted: Any) -> Any:
    """``converted``, the first value of ``slot`` converted for a parameter that takes one; a
    WARNING (once a request and parameter: one conversion each) when the slot held more, which
    the parameter drops: the model made the slot a multiple-value one, the code did not."""
    sv = slot.slot_value
    if where is None or converted is MISSING or sv is None or sv.type != "List":
        return converted
    heard = sum(1 for item in sv.values or () if item.value)
    if heard > 1:
        logger.warning(
            "%s: parameter %r takes one value, so it got the first of the %d values of the "
            "multiple-value slot %s and the others were dropped; annotate it list[...] for all",
            where,
            name,
            heard,
            slot.name,
        )
    return converted


def _scalar(parse: Callable[[str], Any], where: str | None, name: str) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is not None:
            # The usual slot, one value and no multiple-value slotValue: read without building
            # the list of `Slot.values` (whose first value it is).
            sv = slot.slot_value
            value = slot.value
            if value and (sv is None or sv.type != "List"):
                return parse(value)
            for value in slot.values:
                if value:
                    return _first_of_many(where, name, slot, parse(value))
        return MISSING

    return convert


def _list(parse: Callable[[str], Any]) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is None:
            return MISSING
        converted = []
        for value in slot.values:
            if value:
                item = parse(value)
                if item is MISSING:
                    return MISSING
                converted.append(item)
        return converted or MISSING

    return convert


def _scalar_enum(parse: _EnumParser, where: str | None, name: str) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is not None:
            for value, resolutions in _items(slot):
                if value:
                    return _first_of_many(where, name, slot, parse(value, resolutions))
        return MISSING

    return convert


def _list_enum(parse: _EnumParser) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is None:
            return MISSING
        converted = []
        for value, resolutions in _items(slot):
            if value:
                item = parse(value, resolutions)
                if item is MISSING:
                    return MISSING
                converted.append(item)
        return converted or MISSING

    return convert


def _describe(annotation: Any) -> str:
    """``annotation`` in a message, by the names its author writes: ``int``, ``alexaskill.Slot``
    (not the module defining it), ``my-skill.py:Size`` for a class of a file the command line
    imported under a name of its own (`describe`), within ``X | None`` and ``list[X]`` too."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_describe(arg) for arg in typing.get_args(annotation))
    if origin is list:
        args = typing.get_args(annotation)
        return f"list[{', '.join(_describe(arg) for arg in args)}]" if args else "list"
    if annotation is types.NoneType:
        return "None"
    if isinstance(annotation, type) and not isinstance(annotation, types.GenericAlias):
        if annotation.__module__ == "builtins":
            return annotation.__qualname__
        # (sys.modules, not an import: this module is below the package's __init__)
        qualname: str = annotation.__qualname__
        public = getattr(sys.modules.get("alexaskill"), qualname, None)
        if annotation.__module__.startswith("alexaskill.") and public is annotation:
            return f"alexaskill.{qualname}"
        from ..handler_signature import describe  # (above this module in the module map)

        return describe(annotation)
    # (cut: a ``Literal`` of a long str's repr was said whole; a repr that fails said without)
    return shown_value(annotation)


def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None`` and ``Optional[X]``; ``(annotation, False)`` otherwise."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1 and len(rest) < len(args):
            return rest[0], True
    return annotation, False


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum)


def converter_for(
    where: str,
    name: str,
    annotation: Any,
    *,
    say_first_of_many: bool = True,
    default: Any = inspect.Parameter.empty,
) -> Converter:
    """The converter of parameter ``name`` of handler ``where``; `ConfigurationError` if none.

    ``annotation`` is the evaluated annotation (``inspect.Parameter.empty`` when there is none).
    Defaults are the caller's business: a converter returns `MISSING` and the caller decides.
    A ``default`` given is checked: None, or a value the annotation describes, as the slot's
    would be (`ConfigurationError` otherwise: the handler would get it as it is).
    A parameter that takes one value, given a multiple-value slot that holds several, gets the
    first and logs a WARNING naming ``where`` (unless not ``say_first_of_many``).
    """
    converter = _converter(where, name, annotation, where if say_first_of_many else None)
    if default is not None and default is not inspect.Parameter.empty:
        _check_default(where, name, annotation, unwrap_optional(annotation)[0], default)
    return converter


def _converter(where: str, name: str, annotation: Any, said: str | None) -> Converter:
    """`converter_for`, its default aside."""
    target, _ = unwrap_optional(annotation)
    if target is inspect.Parameter.empty or target is Any:
        target = str
    if target is Slot:
        return _slot_itself
    many = target is list or typing.get_origin(target) is list
    if many:
        args = typing.get_args(target)
        target = args[0] if args else str
        if target is Any:
            target = str
    if _is_enum(target):
        parse_enum = _enum_parser(where, target)
        return _list_enum(parse_enum) if many else _scalar_enum(parse_enum, said, name)
    parse = _PARSERS.get(target)
    if parse is None:
        annotated = _describe(annotation)
        if target is bool:
            hint = (
                "bool is not supported, since no rule says which words are true; use str, "
                "an Enum with yes/no members, or Slot"
            )
        else:
            hint = f"supported: {_SUPPORTED}"
        raise ConfigurationError(
            f"{where}: parameter {shown_value(name)} is annotated {annotated}, which cannot be "
            f"filled from a slot; {hint}"
        )
    return _list(parse) if many else _scalar(parse, said, name)


def is_slot_annotation(annotation: Any) -> bool:
    """Whether a parameter with this annotation can be filled from a slot."""
    try:
        converter_for("?", "?", annotation, say_first_of_many=False)
    except ConfigurationError:
        return False
    return True


def _check_default(where: str, name: str, annotation: Any, target: Any, default: Any) -> None:
    """`ConfigurationError` for a ``default`` of parameter ``name`` that is no value of
    ``target`` (its annotation without ``| None``): ``size: Size = "large"``, the member's
    value, or ``count: int = "two"``. An int is a float's, as type checkers take it."""
    if target is inspect.Parameter.empty or target is Any:
        return  # a str slot, unannotated: its default may be anything
    many = target is list or typing.get_origin(target) is list
    cls = list if many else target
    if not isinstance(cls, type) or isinstance(default, cls):
        return
    if cls is float and isinstance(default, int) and not isinstance(default, bool):
        return
    fix = "give a list, or None" if many else f"give {with_article(cls.__name__)}, or None"
    if _is_enum(cls):
        members: list[enum.Enum] = list(typing.cast("type[enum.Enum]", cls))
        member = next((m for m in members if default in (m.value, m.name)), None)
        if member is not None:
            fix = f"give {cls.__name__}.{member.name}, the member, or None"
    raise ConfigurationError(
        f"{where}: parameter {shown_value(name)} is annotated {_describe(annotation)}, but its "
        f"default {shown_value(default)} is {type_with_article(default)}, which the handler "
        f"would get as it is when the slot is missing; {fix}"
    )
