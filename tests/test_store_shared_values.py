"""Persistent attributes holding a list or dict in several places, which JSON writes out in full
at each: bounded, as session attributes and directives are (`alexaskill.responses.encoding`).

``x = [x, x]`` forty times over is 41 lists in memory and 2**41 as JSON writes them out:
`store.base._encode` (json.dumps) worked at it for ever, on the event loop's thread, before the
reply was sent, and so did `Attributes.pending()` and ``.changed``."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.store import Attributes, MemoryStore, Store

from .fresh_python import DOUBLED, WARNING_LINES, run_fresh
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import _envelope, each_store_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("botocore_data_once")

#: The refusal, for an attribute named ``tree`` holding a value held again under ``tree[0]``.
WRITTEN_OUT = (
    "attribute 'tree' cannot be saved: it holds more than 1,000,000 values as JSON writes them "
    "out (a list or dict held in several places, one in tree[0], is written out in full at "
    "each), past what a save encodes: hold each list or dict once (a copy.deepcopy of one "
    "holds its parts as often as it did)"
)


def _doubled(times: int) -> list[Any]:
    """A list holding one list twice, ``times`` levels over: 2**(times + 1) - 1 lists as JSON
    writes them out, ``times + 1`` in memory."""
    x: list[Any] = []
    for _ in range(times):
        x = [x, x]
    return x


#: A script for a Python of its own: a skill saving such a value, each store built in, and
#: `Attributes.pending()` and ``.changed`` asked of one. It prints what it saw, as JSON.
_SCRIPT = (
    DOUBLED
    + """
import json, logging, tempfile
from pathlib import Path
import anyio
from alexaskill import Attributes, ResponseError, Skill, speak
from alexaskill.store import MemoryStore, SQLiteStore
from alexaskill.testing import TestClient

said = {}
stores = {"memory": MemoryStore(), "sqlite": SQLiteStore(Path(tempfile.mkdtemp()) / "skill.db")}
for kind, store in stores.items():
    try:
        anyio.run(store.update, "u", {"name": "Jana", "tree": doubled()}, [])
    except ResponseError as exc:
        said[kind] = [str(exc), anyio.run(store.load, "u")]
attributes = Attributes({"name": "Jana"}, key="u", store=stores["memory"])
attributes["tree"] = doubled()
for what, ask in (("pending", attributes.pending), ("changed", lambda: attributes.changed)):
    try:
        ask()
    except ResponseError as exc:
        said[what] = str(exc)

"""
    + WARNING_LINES
    + """
skill = Skill("amzn1.ask.skill.00000000-0000-0000-0000-000000000001", store=stores["sqlite"])

@skill.intent("Grow")
def grow(attributes: Attributes):
    attributes["name"] = "Ola"
    attributes["tree"] = doubled()
    return speak("grown")

with TestClient(skill, raise_handler_errors=False) as client:
    said["speech"] = client.intent("Grow").speech
    said["saved"] = anyio.run(stores["sqlite"].load, client.user_id)
said["lines"] = lines
print(json.dumps(said))
"""
)


def test_a_skill_saving_a_value_held_in_many_places_gets_the_apology_not_a_hang() -> None:
    """Run in a Python of its own, with a bound: in this one, the old code hung the whole run
    (the save's json.dumps never ended, holding the interpreter's lock). Refused now before it
    is encoded: the user hears the apology, one ERROR line names the attribute and where a
    list is held again, and nothing is saved (the name set beside it neither)."""
    from alexaskill.app import APOLOGY

    try:
        said = run_fresh(_SCRIPT, timeout=120)  # (seconds where it hung for good)
    except subprocess.TimeoutExpired:
        said = None
    if said is None:
        pytest.fail("saving an attribute held in many places did not end: it hangs")
    for kind in ("memory", "sqlite"):
        assert said[kind] == [WRITTEN_OUT, {}], said[kind]
    assert said["pending"] == said["changed"] == WRITTEN_OUT
    assert (said["speech"], said["saved"]) == (APOLOGY, {})
    assert said["lines"] == [
        ["ERROR", f"handler failed for IntentRequest Grow (__main__.grow): {WRITTEN_OUT}", True]
    ]


@pytest.mark.anyio
async def test_every_store_refuses_a_value_written_out_past_the_bound(store: Store) -> None:
    # 2**22 lists as JSON writes them out (22 in memory): one the old code encoded, in a second
    # or two, and kept (DynamoDB refused it for its size), where the bound refuses it before any
    # encoding, in every store alike. Nothing of the update is written.
    await store.update("u", {"kept": 1}, ())
    with pytest.raises(ResponseError) as info:
        await store.update("u", {"name": "Jana", "tree": _doubled(21)}, ["kept"])
    assert str(info.value) == WRITTEN_OUT
    assert await store.load("u") == {"kept": 1}


@pytest.mark.anyio
async def test_values_held_in_several_places_within_the_bound_are_saved_as_before() -> None:
    # A board made with [[0] * 400] * 400 holds one row 400 times: 160,400 values as JSON writes
    # them out, saved as it was, as is a small one and a value held in two attributes. (One of
    # 500 by 500 is past DynamoDB's 400 KB a save, which every store keeps.)
    store = MemoryStore()
    row = [0] * 400
    board = [row] * 400
    values = {"board": board, "small": _doubled(10), "one": row, "other": {"same": row}}
    await store.update("u", values, ())
    assert await store.load("u") == values
    # A value that holds itself is refused saying where (it was json's "Circular reference
    # detected"), as a save says it of one held once.
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ResponseError) as info:
        await store.update("u", {"loop": [_doubled(10), loop]}, ())
    assert str(info.value) == (
        "attribute 'loop' cannot be saved as JSON: loop[1][0] is loop[1] again: it holds itself, "
        "which JSON cannot hold"
    )


def test_attributes_changed_and_pending_refuse_it_too() -> None:
    attributes = Attributes({"name": "Jana"}, key="u", store=MemoryStore())
    attributes["tree"] = _doubled(21)
    with pytest.raises(ResponseError) as info:
        attributes.pending()
    assert str(info.value) == WRITTEN_OUT
    with pytest.raises(ResponseError) as info:
        assert attributes.changed
    assert str(info.value) == WRITTEN_OUT


#: A game's state, as a skill keeps one (~750 bytes of JSON): its rows held once each.
GAME = {
    "player": {"name": "Jana", "level": 7, "xp": 1234.5, "alive": True, "title": None},
    "board": [[0, 1, 0, 2, 0, 0, 1, 0] for _ in range(8)],
    "inventory": [{"item": "sword", "count": 1, "weight": 3.5} for _ in range(5)],
    "history": ["north", "east", "take sword", "west", "open door", "talk wizard"],
    "scores": [12.5, 17.25, 3.0, 9.75, 20.0, 11.125, 8.5, 30.0],
    "flags": {"intro_done": True, "met_wizard": False, "door_open": True},
}


@pytest.mark.anyio
async def test_the_usual_value_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bound cost every load and save of a game's state a walk of it (responses.encoding's
    # _plain, ~12 us of ~35 for its encoding): an encoding bounded by a small buffer vouches for
    # it now, and for one held in several places within that buffer (a board of one row).
    import alexaskill.store.base as base

    walked: list[Any] = []

    def vouch(value: Any) -> bool:
        walked.append(value)
        return True

    monkeypatch.setattr(base, "_vouch", vouch)
    store = MemoryStore()
    row = [0] * 8
    await store.update("u", {"game": GAME, "board": [row] * 8}, ())
    attributes = Attributes(await store.load("u"), key="u", store=store)
    attributes["game"]["player"]["level"] = 8
    assert await attributes.save()
    assert walked == []
    assert await store.load("u") == {"game": attributes["game"], "board": [row] * 8}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("strings", "tried"), [(10, [4096]), (100, [65536]), (1000, [4096, 1_000_000])]
)
async def test_a_save_tries_first_the_buffer_the_value_fit_when_loaded(
    strings: int, tried: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bound encoded each value changed into a 4 KB buffer first, then one of 64 KB, then a
    # megabyte: one of 9 KB when loaded was encoded into 4 KB in vain at each save, and one of
    # 93 KB into 4 and 64 KB. The JSON it was loaded as now picks the first buffer to try (past
    # 64 KB, the 4 KB one still, before the megabyte: it may have shrunk, and fails fast).
    buffers = _buffers_tried(monkeypatch)
    store = MemoryStore()
    await store.update("u", {"log": ["the dragon moved north " * 4] * strings}, ())
    attributes = await Attributes.load(store, _envelope("u"))
    buffers.clear()
    attributes["log"].append("west")
    assert await attributes.save()
    assert buffers == tried


@pytest.mark.anyio
@pytest.mark.parametrize(("letters", "tried"), [(2_100, [65536]), (40_000, [4096, 1_000_000])])
async def test_the_first_buffer_tried_counts_the_bytes_the_value_was_loaded_at(
    letters: int, tried: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The buffers hold bytes of UTF-8, and the JSON a value was loaded as was counted in
    # characters: 2,100 "é" (4,200 bytes) were encoded into 4 KB in vain at each save, and
    # 40,000 (80,000 bytes) into 64 KB. Saved again, by the bytes of the text it was saved as.
    buffers = _buffers_tried(monkeypatch)
    store = MemoryStore()
    await store.update("u", {"log": ["é" * letters]}, ())
    attributes = await Attributes.load(store, _envelope("u"))
    for turn in ("west", "north"):
        buffers.clear()
        attributes["log"].append(turn)
        assert await attributes.save()
        assert buffers == tried
    assert await store.load("u") == {"log": ["é" * letters, "west", "north"]}


@pytest.mark.anyio
@pytest.mark.parametrize(("strings", "tried"), [(3, [4096]), (300, [4096, 1_000_000])])
async def test_a_value_loaded_past_64_kb_that_shrank_is_tried_in_4_kb_first(
    strings: int, tried: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A value loaded at over 64 KB (93 KB) went to the megabyte at once, made and zeroed for a
    # value that shrank to 300 bytes (a log cleared): the 4 KB buffer, tried first, takes it.
    buffers = _buffers_tried(monkeypatch)
    store = MemoryStore()
    await store.update("u", {"log": ["the dragon moved north " * 4] * 1000}, ())
    attributes = await Attributes.load(store, _envelope("u"))
    buffers.clear()
    del attributes["log"][strings:]
    assert await attributes.save()
    assert buffers == tried
    assert await store.load("u") == {"log": ["the dragon moved north " * 4] * strings}


def _buffers_tried(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the buffers a save's written-out check encodes into, as it tries them."""
    import msgspec

    import alexaskill.store.base as base

    encode_into = msgspec.json.Encoder().encode_into
    buffers: list[int] = []

    def spy(value: Any, buffer: bytearray) -> None:
        buffers.append(len(buffer))
        encode_into(value, buffer)

    monkeypatch.setattr(base, "_encode_into", spy)
    return buffers


class _Text(str):
    """A str of a class of its own: JSON writes its text, msgspec refuses it."""


@pytest.mark.anyio
@pytest.mark.parametrize("first", [_Text("a"), "a"], ids=["msgspec refuses", "past the buffers"])
async def test_a_value_the_bounded_encoding_does_not_vouch_for_is_walked(first: Any) -> None:
    # Past the buffers, or not msgspec's to encode (a str subclass, which json.dumps writes, so
    # the value after it would be written out for ever): walked, refused as before.
    store = MemoryStore()
    with pytest.raises(ResponseError) as info:
        await store.update("u", {"tree": [first, _doubled(21)]}, ())
    assert str(info.value) == WRITTEN_OUT.replace("tree[0]", "tree[1]")
    assert await store.load("u") == {}


@pytest.mark.anyio
async def test_values_a_shipped_store_loaded_are_not_looked_through_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoded from JSON (or DynamoDB's typed values), each list and dict is made anew: none can
    # be held twice. Attributes.load looked each through all the same (the bound's cost, at every
    # load); it looks through a value only once the handler may have changed it, at the save.
    import alexaskill.store.base as base

    await store.update("u", {"game": GAME}, ())  # (the user of _envelope("u"))
    checked: list[str] = []
    check = base._check_written_out
    monkeypatch.setattr(base, "_check_written_out", lambda name, value, was=0: checked.append(name))
    attributes = await Attributes.load(store, _envelope("u"))
    assert (attributes["game"], checked) == (GAME, [])
    board = attributes["game"]["board"]
    board[0][0] = 9
    board[1] = board[0]  # (one row held twice: within the bound, saved)
    assert await attributes.save()
    assert checked == ["game"]
    monkeypatch.setattr(base, "_check_written_out", check)
    attributes["game"]["board"] = _doubled(21)
    with pytest.raises(ResponseError, match="'game' cannot be saved: it holds more than"):
        await attributes.save()


class _LiveStore(MemoryStore):
    """A store of one's own, made from a shipped one: its load hands back live objects."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    async def load(self, key: str) -> dict[str, Any]:
        return {"tree": self.value}


@pytest.mark.anyio
async def test_values_given_or_loaded_by_a_store_of_ones_own_are_looked_through() -> None:
    # Not decoded by a shipped store: they may hold a list in several places, as a handler's.
    with pytest.raises(ResponseError) as info:
        Attributes({"tree": _doubled(21)}, key="u", store=MemoryStore())
    assert str(info.value) == WRITTEN_OUT
    live = _LiveStore(_doubled(21))
    # The load's (the handler set nothing), as a set it loaded is: test_store_custom_loads.py.
    with pytest.raises(StoreError) as loaded:
        await Attributes.load(live, _envelope("u"))
    why = WRITTEN_OUT.removeprefix("attribute 'tree' cannot be saved: ")
    assert str(loaded.value) == (
        "_LiveStore.load: the stored value of attribute 'tree' is not JSON Alexa attributes can "
        f"hold ({why}): written by another program? correct it, or delete the attribute"
    )
    live.value = [[0] * 8] * 8  # within the bound: loaded as given
    assert (await Attributes.load(live, _envelope("u")))["tree"] == [[0] * 8] * 8
