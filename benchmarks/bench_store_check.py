"""A save's written-out check (`store.base._check_written_out`) with other buffers: what each costs.

Each case is a `MemoryStore` load, a change in place and a save of one attribute, a dict whose
JSON is 1 KB, 8 KB, 64 KB or 384 KB (the save checks it: a dict loaded is encoded again to find
what changed). The rows are the check's buffers before the middle one (``4K,1M``), others in
their place, two checks without a buffer held (``encode_into`` a bytearray that grows,
``encode`` then ``len``), which bound nothing: a value holding a list in several places
(``x = [x, x]`` forty times over) is encoded in full, for ever; and no check (``none``), to show
the rest of the cycle. Interleaved runs, best of 25, in one process; ratios to ``4K,1M``, of the
whole cycle and of the check alone. A value more, ``350 KB []``, is of small lists (`_lists`);
and for each value, its ``json.dumps`` and the save's count for DynamoDB's 400 KB an item
(``size count``, `_counting`), with its ratio to ``json.dumps``.

    python benchmarks/bench_store_check.py
    python benchmarks/bench_store_check.py --dynamodb

``--dynamodb`` times instead what a `DynamoDBStore` makes of a save checked before it is made
(`check_saves`, for a handler that changed two kinds of attributes): its ``check_update``, then
its ``update``'s UpdateItem (`plans._planned`), with the plan the check made kept for the update
(``kept``), and built again, as before (``built twice``), on the same values; and with two
``check_update`` before the update (``checked twice``), the plan the first made kept for it.

``--refused`` times a save refused for what JSON cannot hold, said where it is: a list of a
million ints with a set at its end (``v[1000000] is a set``): the save's encode (``_encode``,
its checks, json's failure and the look for the set), the look alone (``_unjson``), and
``json.dumps`` of the ints alone, what json writes before it fails.
"""

from __future__ import annotations

import argparse
import inspect
import json
import timeit
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

from alexaskill.store import MemoryStore, base, checked_changes, limits
from alexaskill.store.attributes import Attributes

#: (384 KB, not 512 as before: every store refuses a save past DynamoDB's 400 KB an item now.)
#: "350 KB []": a value of many lists (`_lists`), whose save is counted exactly for DynamoDB's
#: 400 KB an item (`limits._check_item_size`): its JSON and brackets pass the bounds.
SIZES = {"1 KB": 1_000, "8 KB": 8_000, "64 KB": 64_000, "384 KB": 384_000, "350 KB []": 350_000}
BUFFERS = base._BUFFERS
ORIGINAL = base._check_written_out
#: The row the others are compared with: the buffers as they were before the middle one (497750bb).
FIRST = "4K,1M"


def _value(size: int) -> dict[str, Any]:
    """A dict whose JSON is about ``size`` bytes, most of it a list of strings (a game's log).

    Few lists and dicts: a value with more than 30 (records as dicts, say) was walked by the
    save's other checks (`limits._check_limits`, `_check_keys`), which then took most of it (the
    README's "after the storewalk branch": its nesting is now read from its JSON)."""
    value: dict[str, Any] = {"n": 0, "log": []}
    while len(msgspec.json.encode(value)) < size:
        value["log"].append(f"turn {len(value['log']):05d}: the dragon moved north")
    return value


def _lists(size: int) -> dict[str, Any]:
    """A dict whose JSON is about ``size`` bytes of one-number lists (``[[1000],[1001],…]``, a
    game's moves): 50,000 lists at 350 KB, ~300,000 bytes in DynamoDB's count."""
    return {"n": 0, "moves": [[1000 + i % 9000] for i in range(size // 7)]}


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The coroutine's result: a `MemoryStore`'s never wait for anything."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the coroutine waited")


def _cycle(store: MemoryStore, key: str) -> Callable[[], None]:
    load = Attributes.load

    def cycle() -> None:
        attributes = _run(load(store, key))  # type: ignore[arg-type]
        attributes["game"]["n"] += 1
        _run(attributes.save())

    return cycle


def _growing(name: str, value: Any, was: int = 0) -> None:
    """No buffer held: the encoding grows a bytearray as it goes, then its length is looked at."""
    buffer = bytearray()
    try:
        base._encode_into(value, buffer)  # type: ignore[misc]
    except Exception:
        ORIGINAL(name, value)
        return
    if len(buffer) > base._MAX_WRITTEN_OUT:
        ORIGINAL(name, value)


_encode = msgspec.json.Encoder().encode


def _encoded(name: str, value: Any, was: int = 0) -> None:
    """No buffer held: msgspec's ``encode``, then the length of its bytes."""
    try:
        text = _encode(value)
    except Exception:
        ORIGINAL(name, value)
        return
    if len(text) > base._MAX_WRITTEN_OUT:
        ORIGINAL(name, value)


def _unchecked(name: str, value: Any, was: int = 0) -> None:
    """No check at all."""


# (each takes `_encode`'s ``was`` too: the length the value was loaded at, unused but by ORIGINAL)
VARIANTS: dict[str, tuple[tuple[int, ...] | None, Callable[[str, Any, int], None]]] = {
    "4K,1M": ((4096, 1_000_000), ORIGINAL),
    "4K,64K,1M": ((4096, 65536, 1_000_000), ORIGINAL),
    "4K,32K,256K,1M": ((4096, 32768, 262144, 1_000_000), ORIGINAL),
    "growing": (None, _growing),
    "encode+len": (None, _encoded),
    "none": (None, _unchecked),
}


def _checking(value: Any) -> Callable[[], None]:
    check = base._check_written_out

    def checking() -> None:
        check("game", value)

    return checking


def _dumping(value: Any) -> Callable[[], str]:
    """json.dumps of ``value``, which `_counting`'s time is given as a part of."""
    return lambda: json.dumps(value)


def _counting(value: Any) -> Callable[[], None]:
    """The count of a save of ``value`` for DynamoDB's 400 KB an item (`limits._check_item_size`),
    as a store's ``update`` makes it, given its JSON; of the code before the counts were handed
    on too (it took the values, and walked them past its bounds), for a run before and after."""
    texts = {"game": base._encode("game", value)}
    check: Callable[..., None] = limits._check_item_size
    if "changes" in inspect.signature(check).parameters:
        return lambda: check({"game": value}, texts, (), None)
    return lambda: check(texts, (), None)


def _use(variant: str) -> None:
    buffers, check = VARIANTS[variant]
    # (the module's names, as a test's monkeypatch sets them)
    vars(base).update(_check_written_out=check)
    if buffers is not None:
        vars(base).update(_BUFFERS=buffers)


class _Client:
    """A stand-in for botocore's DynamoDB client: nothing is sent (`DynamoDBStore` checks it
    has the methods it calls)."""

    def get_item(self, **params: Any) -> dict[str, Any]:
        return {}

    def update_item(self, **params: Any) -> dict[str, Any]:
        return {}


def _dynamodb(repeat: int) -> None:
    """``--dynamodb``: a checked save's plan kept for its update, or built twice (the docstring)."""
    from alexaskill.dynamodb import DynamoDBStore
    from alexaskill.dynamodb.plans import _planned

    store = DynamoDBStore("table", client=_Client())
    print(f"{'value':>7} {'plan':>13} {'us/save':>9} ratio")
    for label, size in SIZES.items():
        value = _lists(size) if label.endswith("[]") else _value(size)
        changes = {"game": value, "n": 1}
        texts = {name: base._encode(name, item) for name, item in changes.items()}
        sizes = {name: len(text.encode()) for name, text in texts.items()}
        checked = checked_changes._checked_changes(changes, texts, True, sizes)

        def kept(checked: checked_changes._Checked = checked) -> None:
            store.check_update(checked, ())
            _planned(store, checked, [], None)  # (takes the plan kept: none left)

        def built_twice(checked: checked_changes._Checked = checked) -> None:
            store.check_update(checked, ())
            store._plans.clear()  # as before: the update built its own
            _planned(store, checked, [], None)

        def checked_twice(checked: checked_changes._Checked = checked) -> None:
            store.check_update(checked, ())
            store.check_update(checked, ())
            _planned(store, checked, [], None)

        loops = max(3, 20_000 // size)
        runs = (("kept", kept), ("built twice", built_twice), ("checked twice", checked_twice))
        best = {
            name: min(timeit.repeat(run, number=loops, repeat=repeat)) / loops for name, run in runs
        }
        for name, took in best.items():
            print(f"{label:>7} {name:>13} {took * 1e6:9.1f} {took / best['built twice']:6.2f}")


def _refused(repeat: int) -> None:
    """``--refused``: a save refused for a set at the end of a million ints (the docstring)."""
    from alexaskill.exceptions import ResponseError

    value: list[Any] = [*range(1_000_000), {1}]
    # (as base holds it: its own before it moved to json_keys, for a run before and after)
    unjson: Callable[[Any], object] = vars(base)["_unjson"]

    def save() -> None:
        try:
            base._encode("v", value)
        except ResponseError:
            return
        raise RuntimeError("the save was not refused")

    runs = {
        "refused save": save,
        "_unjson alone": lambda: unjson(value),
        "json.dumps ints": lambda: json.dumps(value[:-1]),
    }
    print(f"{'':>16} {'s':>7}")
    for name, run in runs.items():
        # The collector on, as in a server (timeit turns it off): a walk that makes objects by
        # the million sets it going again and again, each pass looking over all it holds.
        took = min(timeit.repeat(run, setup="import gc; gc.enable()", number=1, repeat=repeat))
        print(f"{name:>16} {took:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--dynamodb", action="store_true", help="a DynamoDB save's plan")
    parser.add_argument("--refused", action="store_true", help="a save refused, said where")
    args = parser.parse_args()
    if args.dynamodb:
        _dynamodb(args.repeat)
        return
    if args.refused:
        _refused(args.repeat)
        return
    original_user_id = Attributes.key_for
    Attributes.key_for = classmethod(lambda cls, key: key)  # type: ignore[assignment,method-assign]
    try:
        ORIGINAL("warm", [1])  # (msgspec's encoder imported)
        print(f"{'value':>7} {'buffers':>15} {'us/cycle':>9} {'ratio':>6} {'check us':>9} ratio")
        for label, size in SIZES.items():
            value = _lists(size) if label.endswith("[]") else _value(size)
            store = MemoryStore()
            _run(store.update(label, {"game": value}, ()))
            cycle = _cycle(store, label)
            loops = max(3, 20_000 // size)
            best: dict[str, float] = {name: float("inf") for name in VARIANTS}
            checks: dict[str, float] = dict(best)
            for _ in range(args.repeat):
                for name in VARIANTS:
                    _use(name)
                    took = timeit.timeit(cycle, number=loops) / loops
                    best[name] = min(best[name], took)
                    took = timeit.timeit(_checking(value), number=loops) / loops
                    checks[name] = min(checks[name], took)
            for name in VARIANTS:
                ratio = best[name] / best[FIRST]
                ratio_check = checks[name] / checks[FIRST]
                print(
                    f"{label:>7} {name:>15} {best[name] * 1e6:9.1f} {ratio:6.2f} "
                    f"{checks[name] * 1e6:9.1f} {ratio_check:6.2f}"
                )
            dumping = _dumping(value)
            dumps = min(timeit.repeat(dumping, number=loops, repeat=5)) / loops
            print(f"{label:>7} {'json.dumps':>15} {dumps * 1e6:9.1f}")
            count = min(timeit.repeat(_counting(value), number=loops, repeat=5)) / loops
            print(
                f"{label:>7} {'size count':>15} {count * 1e6:9.1f} {count / dumps:6.2f}",
                "of json.dumps",
            )
    finally:
        vars(base).update(_BUFFERS=BUFFERS, _check_written_out=ORIGINAL)
        Attributes.key_for = original_user_id  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
