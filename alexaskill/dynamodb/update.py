"""A save as one DynamoDB ``UpdateItem``: its steps, its expressions, and DynamoDB's limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, NamedTuple

from ..store.checked_changes import _check_size_once, _checked_texts, _encode_checked
from ..store.data_faults import _EMPTY_NAME, _refused
from .values import _number, _to_dynamodb_checked

__all__: list[str] = []

#: DynamoDB's limits on each expression of a request ("Constraints in Amazon DynamoDB": 4 KB,
#: 300 operators and functions). A save's expressions are measured as built (placeholders only:
#: ASCII), counting each "=" too, to be safe.
_EXPRESSION_BYTES: Final = 4096
_EXPRESSION_OPERATORS: Final = 300
#: The column of an item that holds when it was last saved (microseconds since the Unix epoch):
#: each save sets it, on condition that it holds an earlier time, so that a save reaching
#: DynamoDB late (sent, then given up on) does nothing over a save made after it.
_SAVED_AT: Final = "alexaskill_saved_at"
#: The condition that a save's time (``:t``) is later than the item's last one, if any. Only a
#: number is compared (``:N`` is the type "N"): DynamoDB refuses the write where another tool
#: left a string or a map in the column (a comparison across types is false) and moto fails it
#: with a 500; the store replaces such a value (`saving._replace_odd_time`).
_LATER: Final = "(attribute_not_exists(#w) OR (attribute_type(#w, :N) AND #w < :t))"
#: `_LATER` for a save that leaves the item's time as it is (`_under`): the time is there.
_BEFORE: Final = "(attribute_type(#w, :N) AND #w < :t)"


class _Plan(NamedTuple):
    """A save as one UpdateItem: its parameters but the key, for an item that has the map, and
    but the save's time, ``:t`` (`_SAVED_AT`)."""

    into_map: dict[str, Any]
    #: The map to create when the item has none: what the save sets or adds.
    whole: dict[str, Any]
    #: The names the save increments.
    added: list[str]
    #: The UpdateExpression's parts, the time's setting first (for `_under`).
    settings: list[str]
    removals: list[str]


def _under(plan: _Plan) -> dict[str, Any]:
    """``plan.into_map`` leaving the item's time as it is, made only where it is before ``:t``:
    for a save that overlapped one timed later and made first (`saving._write`). Made for such
    a save alone, not with every plan: most saves never need it."""
    return plan.into_map | {
        "UpdateExpression": _expression(plan.settings[1:], plan.removals),
        "ConditionExpression": plan.into_map["ConditionExpression"].replace(_LATER, _BEFORE),
    }


def _expression(settings: list[str], removals: list[str]) -> str:
    """An UpdateExpression of ``settings`` and ``removals`` ("" if neither)."""
    parts = []
    if settings:
        parts.append("SET " + ", ".join(settings))
    if removals:
        parts.append("REMOVE " + ", ".join(removals))
    return " ".join(parts)


def _plan(
    attribute_name: str,
    changes: Mapping[str, Any],
    deleted: Iterable[str],
    increments: Mapping[str, int] | None,
) -> _Plan | None:
    """The one UpdateItem of a save, checked against DynamoDB's limits (None: no change)."""
    steps = _steps(changes, deleted, increments)
    if not steps:
        return None
    names = {"#a": attribute_name, "#w": _SAVED_AT}
    values: dict[str, Any] = {":M": {"S": "M"}, ":N": {"S": "N"}}
    settings: list[str] = ["#w = :t"]
    removals: list[str] = []
    # Into the map only when there is one: a NULL there (the ASK SDK's adapter writes it for
    # attributes saved as None) would pass attribute_exists, and DynamoDB refuses to write
    # into it. Without a map the save makes it whole (`DynamoDBStore._write`).
    conditions = ["attribute_type(#a, :M)", _LATER]
    whole: dict[str, Any] = {}  # the map to create if there is none: what is set or added
    added: list[str] = []
    for i, (kind, name, value) in enumerate(steps):
        names[f"#n{i}"] = name
        if kind == "set":
            values[f":v{i}"] = value
            settings.append(f"#a.#n{i} = :v{i}")
            whole[name] = value
        elif kind == "add":
            values[f":v{i}"] = value
            settings.append(f"#a.#n{i} = if_not_exists(#a.#n{i}, :zero) + :v{i}")
            conditions.append(f"(attribute_not_exists(#a.#n{i}) OR attribute_type(#a.#n{i}, :N))")
            values[":zero"] = {"N": "0"}
            whole[name] = value
            added.append(name)
        else:
            removals.append(f"#a.#n{i}")
    expression = _expression(settings, removals)
    condition = " AND ".join(conditions)
    # Operators: "=" of each setting (the time's too), if_not_exists and "+" of each addition;
    # in the condition, attribute_type, AND, OR, attribute_not_exists, attribute_type, AND and
    # "<" of the time, then AND, OR and two functions an addition.
    operators = max(len(settings) + 2 * len(added), 7 + 4 * len(added))
    if max(len(expression), len(condition)) > _EXPRESSION_BYTES or (
        operators > _EXPRESSION_OPERATORS
    ):
        # Sent as several UpdateItems it would not be atomic: a later one refused, the
        # earlier ones written, though the user hears the apology.
        raise _refused(
            f"a save of {len(steps):,} attribute names ({len(added):,} of them increments) is "
            "more than one DynamoDB UpdateItem takes (4 KB and 300 operators an expression: "
            "about 240 changed names, 420 deleted or 60 increments), so nothing was written: "
            "keep values that change together in one attribute (a dict or a list)"
        )
    into_map: dict[str, Any] = {
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    return _Plan(into_map, whole, added, settings, removals)


def _steps(
    changes: Mapping[str, Any],
    deleted: Iterable[str],
    increments: Mapping[str, int] | None,
) -> list[tuple[str, str, Any]]:
    """An update as steps, ("set", name, value), ("add", name, by) and ("remove", name,
    None), its values checked and made DynamoDB's; `ResponseError` if what it writes is over
    DynamoDB's 400 KB an item by itself, counted as every store counts it, once a save
    (`store.checked_changes._check_size_once`): DynamoDB refuses such an UpdateItem ("Item size
    has exceeded the maximum allowed size"), but as a store failure, and only once sent, after
    another kind of attributes was saved. One that fits alone may still make the item too
    large with what it holds already, which DynamoDB alone can tell."""
    gone = list(dict.fromkeys(deleted))
    removed = set(gone)
    added = {name: by for name, by in (increments or {}).items() if name not in removed}
    checked = _checked_texts(changes)  # checked by `Attributes` already: not again
    texts = {
        name: _encode_checked(name, value) if checked is None else checked[name]
        for name, value in changes.items()
        if name not in removed and name not in added
    }
    values = {name: _to_dynamodb_checked(name, changes[name], text) for name, text in texts.items()}
    steps: list[tuple[str, str, Any]] = [("set", name, value) for name, value in values.items()]
    steps.extend(("add", name, {"N": _number(by)}) for name, by in added.items())
    steps.extend(("remove", name, None) for name in gone)
    for _, name, _ in steps:
        if not name:
            raise _refused(_EMPTY_NAME)
    _check_size_once(changes, texts, gone, added)
    return steps
