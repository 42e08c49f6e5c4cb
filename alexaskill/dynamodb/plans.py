"""The UpdateItem a `DynamoDBStore`'s ``check_update`` makes, kept for the ``update`` after it."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..store.checked_changes import _Checked
from .update import _Plan, _plan

if TYPE_CHECKING:
    from .store import DynamoDBStore

__all__: list[str] = []

#: What a plan was made for besides the changes (`_planned`): the store's ``attribute_name``,
#: the names deleted and the increments.
_Made = tuple[str, list[str], dict[str, int]]


def _planned(
    store: DynamoDBStore,
    changes: Mapping[str, Any],
    deleted: list[str],
    increments: Mapping[str, int] | None,
    *,
    keep: bool = False,
) -> _Plan | None:
    """`_plan` of a save, made once: for changes `Attributes` checked (`_Checked`), the
    plan their ``check_update`` made (`check_saves`) and kept (``keep``) is the one the
    ``update`` that follows takes, which built the UpdateItem again, each value read from
    its JSON and made DynamoDB's anew: half the work of the two
    (benchmarks/bench_store_check.py --dynamodb)."""
    if type(changes) is not _Checked:
        return _plan(store.attribute_name, changes, deleted, increments)
    made = (store.attribute_name, deleted, dict(increments or {}))
    plans = store._plans
    # A check leaves the plan it finds for the update (a second check of the same changes took
    # it, and the update built its own again); the update takes it.
    kept = plans.get(id(changes)) if keep else plans.pop(id(changes), None)
    if kept is not None and kept[0]() is changes and kept[1] == made:
        return kept[2]
    plan = _plan(store.attribute_name, changes, deleted, increments)
    if keep:
        # Weakly: a plan whose update never comes (another kind's check refused the save)
        # is dropped with its changes, not held with their values (up to 400 KB) until a
        # later save. (Its id is another's only once they are gone; the callback drops the
        # plan only if still its own: called late, another's may be under that id by then.)
        key = id(changes)

        def dropped(ref: weakref.ref[_Checked]) -> None:
            if plans.get(key, (None,))[0] is ref:
                del plans[key]

        plans[key] = (weakref.ref(changes, dropped), made, plan)
    return plan
