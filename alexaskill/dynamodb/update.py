"""A save as one DynamoDB ``UpdateItem``: its steps, its expressions, and DynamoDB's limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, NamedTuple

from ..exceptions import ResponseError
from .values import _number, _to_dynamodb_checked

__all__: list[str] = []

#: DynamoDB's limits on each expression of a request ("Constraints in Amazon DynamoDB": 4 KB,
#: 300 operators and functions). A save's expressions are measured as built (placeholders only:
#: ASCII), counting each "=" too, to be safe.
_EXPRESSION_BYTES: Final = 4096
_EXPRESSION_OPERATORS: Final = 300


class _Plan(NamedTuple):
    """A save as one UpdateItem: its parameters but the key, for an item that has the map."""

    into_map: dict[str, Any]
    #: The map to create when the item has none: what the save sets or adds.
    whole: dict[str, Any]
    #: The names the save increments.
    added: list[str]


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
    names = {"#a": attribute_name}
    values: dict[str, Any] = {":M": {"S": "M"}}
    settings: list[str] = []
    removals: list[str] = []
    # Into the map only when there is one: a NULL there (the ASK SDK's adapter writes it for
    # attributes saved as None) would pass attribute_exists, and DynamoDB refuses to write
    # into it. Without a map the save makes it whole (`DynamoDBStore._write`).
    conditions = ["attribute_type(#a, :M)"]
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
            values[":zero"], values[":N"] = {"N": "0"}, {"S": "N"}
            whole[name] = value
            added.append(name)
        else:
            removals.append(f"#a.#n{i}")
    expression = " ".join(
        part
        for part in (
            "SET " + ", ".join(settings) if settings else "",
            "REMOVE " + ", ".join(removals) if removals else "",
        )
        if part
    )
    condition = " AND ".join(conditions)
    # Operators: "=" of each setting, if_not_exists and "+" of each addition; in the
    # condition, attribute_type, then AND, OR and two functions an addition.
    operators = max(len(settings) + 2 * len(added), 1 + 4 * len(added))
    if max(len(expression), len(condition)) > _EXPRESSION_BYTES or (
        operators > _EXPRESSION_OPERATORS
    ):
        # Sent as several UpdateItems it would not be atomic: a later one refused, the
        # earlier ones written, though the user hears the apology.
        raise ResponseError(
            f"a save of {len(steps)} attribute names ({len(added)} of them increments) is "
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
    return _Plan(into_map, whole, added)


def _steps(
    changes: Mapping[str, Any],
    deleted: Iterable[str],
    increments: Mapping[str, int] | None,
) -> list[tuple[str, str, Any]]:
    """An update as steps, ("set", name, value), ("add", name, by) and ("remove", name,
    None), its values checked and made DynamoDB's."""
    gone = list(dict.fromkeys(deleted))
    removed = set(gone)
    added = {name: by for name, by in (increments or {}).items() if name not in removed}
    values = {
        name: _to_dynamodb_checked(name, value)
        for name, value in changes.items()
        if name not in removed and name not in added
    }
    steps: list[tuple[str, str, Any]] = [("set", name, value) for name, value in values.items()]
    for name, by in added.items():
        if type(by) is not int:
            raise ResponseError(f"attribute {name!r}: increment by an int, not {by!r}")
        try:
            steps.append(("add", name, {"N": _number(by)}))
        except ValueError as exc:
            raise ResponseError(f"attribute {name!r}: increment {exc}") from exc
    steps.extend(("remove", name, None) for name in gone)
    for _, name, _ in steps:
        if not name:
            raise ResponseError("attribute '' cannot be saved: DynamoDB names are not empty")
    return steps
