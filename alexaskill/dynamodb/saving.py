"""A `DynamoDBStore` save as conditional writes, timed by the item's ``alexaskill_saved_at``."""

from __future__ import annotations

import contextlib
import logging
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import StoreError
from ..shown_names import shown_value
from ..store.data_faults import _NOT_INCREMENTED, _refused
from ..store.limits import _KEPT_NUMBERS
from .update import _LATER, _SAVED_AT, _Plan, _under
from .values import _kind

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []

logger = logging.getLogger("alexaskill")

#: Rounds of the create-the-map race (another request created it first) before giving up.
_MAX_ROUNDS: Final = 5


class _ConditionFailed(Exception):
    """A conditional write found the item in another state than it expected."""


class _SumOutOfRange(Exception):
    """DynamoDB refused a write that adds: a sum of its own past its numbers (its words)."""


async def _write(store: DynamoDBStore, key: str, plan: _Plan) -> None:
    """The save's UpdateItem into the item's map if it has one; else the map is made whole
    with a conditional write (where the column is absent or NULL); if another request made
    it in between, into the map again. Where the store's load of the key found no map, the
    map is made whole first: a user's first save is one call, not two.

    Each write sets the item's time (`_SAVED_AT`) to the save's, and is made only where the
    item's is earlier: a write the store gave up on (the user heard the apology) that
    reaches DynamoDB late does nothing over a save made since. A save that overlapped one
    timed later and made first (another request of the user's) goes in after it, leaving
    its time, on condition that the item's time is before the moment this write could be
    given up: so it too, reaching DynamoDB late, does nothing over a save made since. (A
    write given up on that arrives before any later save is applied: nothing in a condition
    can tell it is late, DynamoDB's clock being out of reach there.) An
    item's time beyond that moment (saved by a machine whose clock was ahead) is set back
    to now, in one more write: all this holds only while the clocks agree within
    ``timeout``. A time that is not a number (another tool's value) is replaced by one, with
    a warning (`_replace_odd_time`).
    """
    key_value = store._key(key)
    whole = plan.whole
    adds = bool(plan.added)
    stamp = store._stamp()
    under = False  # under the time of a save timed later, made first
    # The store's load of the key found no map (`DynamoDBStore.load`): made whole first, one
    # UpdateItem, where into the map first was two carrying the same values, the first refused
    # (a refused conditional write still consumes DynamoDB's write capacity). A map another
    # request made since refuses it, and the save goes into that map, as it would have.
    whole_first = store._no_map.pop(key, None) is not None and bool(whole)
    # One round more where the map is made whole first: that write refused (another request
    # made the map) is no conflict of this save's, and leaves it the rounds of any other save.
    for _ in range(_MAX_ROUNDS + whole_first):
        if not whole_first:
            params = _under(plan) if under else plan.into_map
            until = time.time_ns() // 1000 + int(store.timeout * 1e6) if under else stamp
            values = params["ExpressionAttributeValues"] | {":t": {"N": str(until)}}
            try:
                await store._call(
                    "update_item",
                    adds,
                    Key=key_value,
                    **params | {"ExpressionAttributeValues": values},
                )
                return
            except _ConditionFailed:
                pass  # no map yet, a value to add to that is not a number, or a later save
            except _SumOutOfRange as exc:
                raise _refused(_sum_refused(plan.added, str(exc))) from None
        if whole and not under:
            # `adds` here too, though this write sets: the map it makes holds the increments,
            # and sent again after it was applied (an answer lost) it fails its condition, the
            # state read below finds the map under this save's time, and the next round adds
            # them once more: so it goes, like the first, through a client that never retries.
            # No `_SumOutOfRange` comes of it: DynamoDB adds nothing in a SET of values, each a
            # number within its range and precision (`limits._number_refused`, `_MAX_STEP`).
            try:
                await store._call(
                    "update_item",
                    adds,
                    Key=key_value,
                    UpdateExpression="SET #a = :m, #w = :t",
                    ConditionExpression=(
                        f"(attribute_not_exists(#a) OR attribute_type(#a, :null)) AND {_LATER}"
                    ),
                    ExpressionAttributeNames={"#a": store.attribute_name, "#w": _SAVED_AT},
                    ExpressionAttributeValues={
                        ":m": {"M": whole},
                        ":null": {"S": "NULL"},
                        ":N": {"S": "N"},
                        ":t": {"N": str(stamp)},
                    },
                )
                return
            except _ConditionFailed:
                pass  # another request made the map meanwhile, or it was there
            if whole_first:
                whole_first = False
                continue  # into the map, then, before asking the item why
        # Refused: why, the item tells.
        column, saved = await _state(store, key)
        if isinstance(saved, str):  # not a number: another tool's
            await _replace_odd_time(store, key, saved)
            stamp, under = store._stamp(), False
            continue
        if saved is not None and saved >= time.time_ns() // 1000 + int(store.timeout * 1e6):
            # A clock ahead saved it: set back, else each later save takes 6 calls, not 1.
            await _set_back(store, key, saved)
            stamp, under = store._stamp(), False
            continue
        if column is None or "NULL" in column:
            if not whole:
                return  # only removals, and no map: nothing to remove
            under = False  # no map (removed meanwhile): made whole, timed after the item
        else:
            for name, value in column.get("M", {}).items():
                if name in plan.added and "N" not in value:
                    kind = _kind(value)
                    raise _refused(_NOT_INCREMENTED.format(name=shown_value(name), kind=kind))
            # Into the map under the time of a save made first (a time far ahead is set back).
            under = saved is not None and saved >= stamp
        if saved is not None and saved >= stamp and not under:
            stamp = max(saved + 1, store._stamp())
    raise StoreError(
        f"DynamoDB table {store.table!r}: an item kept changing between two conditional writes"
    )


def _sum_refused(added: list[str], said: str) -> str:
    """The words of an increment whose sum DynamoDB refused (``said``: its words), naming the
    attributes the save added to (DynamoDB's words name none)."""
    names = " or ".join(repr(name) for name in added)
    return (
        f"attribute {names} cannot be incremented: DynamoDB's sum would be outside "
        f"{_KEPT_NUMBERS} (DynamoDB: {said}); nothing was written: set it instead"
    )


async def _set_back(store: DynamoDBStore, key: str, saved: int) -> None:
    """Set the item's time (`_SAVED_AT`) back to now, where it is ``saved`` or later."""
    await _set_time(store, key, "#w >= :saved", {":saved": {"N": str(saved)}})


async def _replace_odd_time(store: DynamoDBStore, key: str, kind: str) -> None:
    """Set the item's time (`_SAVED_AT`) to now where it is not a number (of DynamoDB type
    ``kind``): another tool wrote its own value there, which no save's condition would pass.
    The store's first such item is said in a warning; its saves go on as before."""
    if not store._odd_time_said:
        store._odd_time_said = True
        logger.warning(
            "DynamoDB table %r: an item's %r column holds a value of type %s, not a number; "
            "alexaskill keeps there the time of each save (its conditional writes compare it), "
            "so it replaced the value: keep other tools' data in another column",
            store.table,
            _SAVED_AT,
            kind,
        )
    condition = "attribute_exists(#w) AND NOT attribute_type(#w, :N)"
    await _set_time(store, key, condition, {":N": {"S": "N"}})


async def _set_time(store: DynamoDBStore, key: str, condition: str, values: dict[str, Any]) -> None:
    """Set the item's time (`_SAVED_AT`) to now where ``condition`` (with ``values``) holds."""
    with contextlib.suppress(_ConditionFailed):
        await store._call(
            "update_item",
            Key=store._key(key),
            UpdateExpression="SET #w = :t",
            ConditionExpression=condition,
            ExpressionAttributeNames={"#w": _SAVED_AT},
            ExpressionAttributeValues={":t": {"N": str(store._stamp())}, **values},
        )


async def _state(store: DynamoDBStore, key: str) -> tuple[dict[str, Any] | None, int | str | None]:
    """The item's map column as DynamoDB gives it (None: none) and the time of its last
    save (None: none; a str, the DynamoDB type of a value that is not a number); `StoreError`
    if the column is there and neither a map nor NULL."""
    answer = await store._call(
        "get_item",
        Key=store._key(key),
        ConsistentRead=True,
        ProjectionExpression="#a, #w",
        ExpressionAttributeNames={"#a": store.attribute_name, "#w": _SAVED_AT},
    )
    item = answer.get("Item", {})
    column = item.get(store.attribute_name)
    if column is not None and "M" not in column and "NULL" not in column:
        raise store._not_a_map(column)
    saved = item.get(_SAVED_AT)
    if saved is None:
        return column, None
    if "N" not in saved:
        return column, next(iter(saved), "?")
    return column, int(Decimal(saved["N"]))
