"""What a save of `Attributes` checks and encodes: each changed value checked once, whatever
the kinds of attributes a handler changed; an unchanged value not encoded where it cannot have
changed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError, ResponseError
from alexaskill.models import decode_envelope
from alexaskill.responses import Response
from alexaskill.store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    Store,
    base,
    checked_changes,
    limits,
)

from .conftest import SKILL_ID
from .store_shared import STORE_KINDS, each_store


def _limits_spy(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The attributes whose values are checked against the shipped stores' limits, counted."""
    checked: Counter[str] = Counter()
    check = limits._check_limits

    def spy(name: str, value: Any, text: str, dicts: int) -> None:
        checked[name] += 1
        check(name, value, text, dicts)

    monkeypatch.setattr(checked_changes, "_check_limits", spy)
    return checked


# Not store_shared's `each_store_fixture`, which is async: the test taking this one is sync (its
# TestClient runs the skill in a loop of its own), and pytest refuses an async fixture to a sync
# test ("requested an async fixture 'store', with no plugin or hook that handled it").
@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each kind of store, empty."""
    made = each_store(request, tmp_path)
    try:
        yield made
    finally:
        anyio.run(made.aclose)


def test_a_value_is_checked_once_when_a_handler_changed_two_kinds_of_attributes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each kind of attributes is checked before any is saved (`check_saves`), then saved: the
    # check before, the store's `check_update`, and the store's `update` each checked every
    # changed value again (JSON, its keys, DynamoDB's numbers and nesting): two or three walks
    # of a large value a request.
    from alexaskill.testing import TestClient

    # Not the default 7 s deadline: the request's load makes the DynamoDB store's client and
    # table, which took longer on a loaded machine (the answer was then the "taking longer"
    # apology, and the test failed on what it does not test). A load that hangs still fails it.
    skill = Skill(SKILL_ID, store=store, deadline=60.0)

    @skill.intent("Order")
    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes["basket"] = [{"item": i, "price": i / 4} for i in range(50)]
        device["room"] = "kitchen"
        return speak("Ordered.")

    checked = _limits_spy(monkeypatch)
    with TestClient(skill) as client:
        assert client.intent("Order").speech == "Ordered."
        counted = dict(checked)
        assert anyio.run(store.load, client.user_id)["basket"][3] == {"item": 3, "price": 0.75}
    assert counted == {"basket": 1, "room": 1}


class _Scanned(str):
    """A value's JSON that notes each scan `str.count` makes of it, by what it counts."""

    scans: list[str]

    def count(self, sub: Any, *args: Any) -> int:
        self.scans.append(sub)
        return super().count(sub, *args)


def test_a_save_s_size_is_counted_once_when_a_handler_changed_two_kinds_of_attributes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DynamoDB's 400 KB an item was counted from the value's JSON by `check_saves`, again by the
    # store's `check_update` (Redis, DynamoDB) and again by its `update`: the "[" and "{" of a
    # save past 200 KB of JSON counted up to three times more, after the check of its limits
    # had counted them (`_check_value`). Now the check's counts are handed on: one scan each.
    from alexaskill.testing import TestClient

    # No deadline: on moto this save is an UpdateItem of 760 KB (a first save, after a load
    # that found no map: the map made whole), seconds of moto's CPU, bounded by the store's
    # timeout (store_shared.MOTO_TIMEOUT), not by one for the whole request.
    skill = Skill(SKILL_ID, store=store, deadline=None)
    rows = [[i, i + 1, i + 2, i + 3] for i in range(11_000)]  # ~250 KB of JSON, 11,001 lists
    encoded: list[_Scanned] = []
    to_json = base._to_json

    def encode(value: Any) -> str:
        text = to_json(value)
        if value is not rows:
            return text
        scanned = _Scanned(text)
        scanned.scans = []
        encoded.append(scanned)
        return scanned

    monkeypatch.setattr(base, "_to_json", encode)

    @skill.intent("Order")
    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes["rows"] = rows
        device["room"] = "kitchen"
        return speak("Ordered.")

    with TestClient(skill) as client:
        assert client.intent("Order").speech == "Ordered."  # saved: else the apology
    # (No load of it after: moto took over 30 s, the store's timeout then, to read 250 KB back on
    # a loaded machine; and the MemoryStore keeps this very text, which its load scans for nesting.)
    (text,) = encoded  # encoded once, to find it changed
    assert Counter(text.scans) == {"[": 1, "{": 1}


def test_a_save_the_checks_bound_under_400_kb_is_not_counted_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The checks of a save count each text's bytes (`_Checked.counts`): a save whose every name
    # and twice its texts' bytes are under DynamoDB's 400 KB an item fits, with nothing more to
    # count or note. The count made once a save (`checked_changes._check_size_once`) still made it
    # at each small save, and noted its names: ~25,000 instructions a save of two small values (the
    # count alone was ~17,000 before), ~5% of a MemoryStore's load, change and save.
    counted: list[object] = []
    count = limits._check_item_size

    def spy(*args: Any) -> None:
        counted.append(args)
        count(*args)

    monkeypatch.setattr(checked_changes, "_check_item_size", spy)
    store = MemoryStore()
    attributes = anyio.run(Attributes.load, store, _envelope())
    attributes["basket"] = [1, 2]
    attributes["city"] = "paris"
    attributes.increment("visits")
    assert anyio.run(attributes.save)
    assert counted == []
    assert anyio.run(store.load, "user") == {"basket": [1, 2], "city": "paris", "visits": 1}


def test_a_value_is_checked_once_when_a_handler_changed_one_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = MemoryStore()
    attributes = anyio.run(Attributes.load, store, _envelope())
    attributes["basket"] = [1, 2]
    checked = _limits_spy(monkeypatch)
    assert anyio.run(attributes.save)
    assert checked == {"basket": 1}
    assert anyio.run(store.load, "user") == {"basket": [1, 2]}


def _envelope() -> Any:
    return decode_envelope(
        json.dumps(
            {
                "version": "1.0",
                "context": {
                    "System": {
                        "application": {"applicationId": SKILL_ID},
                        "user": {"userId": "user"},
                    }
                },
                "request": {
                    "type": "LaunchRequest",
                    "requestId": "r",
                    "timestamp": "2024-01-01T00:00:00Z",
                    "locale": "en-US",
                },
            }
        ).encode()
    )


def _spy_on_encodings(monkeypatch: pytest.MonkeyPatch, seen: Callable[[Any], None]) -> None:
    """``seen(value)`` for each value the stores' code encodes as JSON: by `base._to_json`
    (each value loaded and saved), or by json.dumps (`base._decode`'s look for a surrogate)."""

    def spying(encode: Callable[..., str]) -> Callable[..., str]:
        def spy(value: Any, *args: Any, **kwargs: Any) -> str:
            seen(value)
            return encode(value, *args, **kwargs)

        return spy

    monkeypatch.setattr(base, "_to_json", spying(base._to_json))
    monkeypatch.setattr(json, "dumps", spying(json.dumps))


def _dumps_spy(monkeypatch: pytest.MonkeyPatch, watched: dict[str, Any]) -> Counter[str]:
    """How often each of ``watched`` (name: the object) is encoded as JSON."""
    encoded: Counter[str] = Counter()

    def seen(value: Any) -> None:
        for name, obj in watched.items():
            if value is obj:
                encoded[name] += 1

    _spy_on_encodings(monkeypatch, seen)
    return encoded


def test_unchanged_values_are_not_encoded_again_by_pending_and_save(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pending() encoded every value to compare it with what was loaded, and save() encoded
    # every value again once written: a user's large history, never changed, twice a request.
    # A str, number, bool or None still the object loaded cannot have changed; a list or a dict
    # can, in place, and is compared.
    store = MemoryStore()
    history = [{"said": f"turn {i}"} for i in range(100)]
    anyio.run(store.update, "user", {"history": history, "name": "Ann " * 50, "n": 1}, ())
    attributes = anyio.run(Attributes.load, store, _envelope())
    watched = {"history": attributes["history"], "name": attributes["name"]}
    encoded = _dumps_spy(monkeypatch, watched)
    attributes["n"] = 2
    assert attributes.pending() == ({"n": 2}, [])
    assert anyio.run(attributes.save)
    assert encoded == {"history": 2}  # compared, once a pending() (save's own included)
    attributes["history"].append({"said": "more"})  # in place: a change
    attributes["name"] = "Bob"
    assert attributes.pending() == ({"history": [*history, {"said": "more"}], "name": "Bob"}, [])
    assert anyio.run(attributes.save)
    assert anyio.run(store.load, "user") == {
        "history": [*history, {"said": "more"}],
        "name": "Bob",
        "n": 2,
    }
    assert not attributes.changed


def test_a_loaded_value_is_encoded_once_whatever_its_escapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A stored value whose JSON holds an escape ("\u0001", a control character; "\u00e9", as
    # another program's json.dumps writes "é") was encoded twice at each load: by the store,
    # looking for half a surrogate pair in it, then by Attributes, for what it was loaded as.
    store = MemoryStore()
    anyio.run(store.update, "user", {"log": ["a\x01b", "c"]}, ())
    store._data["user"]["foreign"] = '["\\u00e9t\\u00e9", {"k": "\\u2028"}]'
    envelope = _envelope()
    encoded: list[Any] = []
    _spy_on_encodings(monkeypatch, encoded.append)
    attributes = anyio.run(Attributes.load, store, envelope)
    assert dict(attributes) == {"log": ["a\x01b", "c"], "foreign": ["été", {"k": "\u2028"}]}
    assert sorted(map(repr, encoded)) == sorted(map(repr, attributes.values()))
    # An escaped surrogate ("\ud83d\ude00", an emoji's pair) is still looked at: half a pair
    # is no text (tests/test_store_foreign_values.py).
    store._data["user"] = {"emoji": '["\\ud83d\\ude00"]'}
    encoded.clear()
    assert anyio.run(Attributes.load, store, envelope) == {"emoji": ["\U0001f600"]}
    assert encoded == [["\U0001f600"]] * 2


class _Level(int):
    """An int subclass (an IntEnum's kind): JSON writes its int."""


class _Ratio(float):
    """A float subclass: JSON writes its float."""


#: Values and the JSON every store keeps for each, byte for byte (`base._encode_sized`, at each
#: load and save): compact separators, raw UTF-8 (not ``\\u`` escapes), floats as their repr.
#: A change to how values are encoded (an encoder reused, another library) must keep these:
#: a stored text that differs is a change a save writes back over another request's.
ENCODED: list[tuple[Any, str]] = [
    ("café 日本 🎲", '"café 日本 🎲"'),
    ('quote " backslash \\ slash /', '"quote \\" backslash \\\\ slash /"'),
    ("\x00\x1f\x7f\t\n\u2028\u2029", '"\\u0000\\u001f\x7f\\t\\n\u2028\u2029"'),
    (
        [0.1, -0.0, 1e16, 1.5e-7, 1e-130, 123456789.125, 2.0],
        "[0.1,-0.0,1e+16,1.5e-07,1e-130,123456789.125,2.0]",
    ),
    ([10**38 - 1, -(2**63), True, False, None], f"[{10**38 - 1},{-(2**63)},true,false,null]"),
    ([_Level(3), _Ratio(0.5)], "[3,0.5]"),
    ({"a": {"b": [1, {"c": []}], "d": {}}, "é": "ü"}, '{"a":{"b":[1,{"c":[]}],"d":{}},"é":"ü"}'),
    ({"z": 1, "a": 2}, '{"z":1,"a":2}'),  # (the dict's order, not sorted)
    ((1, ("x",)), '[1,["x"]]'),
    (
        {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
        '{"1":"int key","2.5":"float key","false":"bool key","null":"none key"}',
    ),
    ("", '""'),
    (7, "7"),
]


@pytest.mark.parametrize(("value", "text"), ENCODED)
def test_a_value_is_encoded_byte_for_byte_as_the_stores_keep_it(value: Any, text: str) -> None:
    assert base._encode_sized("v", value) == (text, len(text.encode()))
    assert base._encode_sized("v", value, decoded=True) == (text, len(text.encode()))


_INSTEAD = (
    "which JSON cannot hold (store a str, a number, a bool, None, a list or a dict with str keys: "
    "date.isoformat(), list(a_set), …)"
)


def _holding_itself() -> list[Any]:
    looped: list[Any] = []
    looped.append(looped)
    return looped


@pytest.mark.parametrize(
    ("value", "said"),
    [
        # NaN, an infinity, and a type JSON has none for, said where it is and what to store
        # (json said "Out of range float values are not JSON compliant", "Object of type set is
        # not JSON serializable", "keys must be str, int, float, bool or None, not tuple"):
        # tests/test_store_agreement.py has more.
        (float("nan"), f"v is nan, {_INSTEAD}"),
        ([1, float("-inf")], f"v[1] is -inf, {_INSTEAD}"),
        ({"s": {1, 2}}, f"v['s'] is a set, {_INSTEAD}"),
        ({(1, 2): "tuple key"}, f"v has the key (1, 2) (a tuple), {_INSTEAD}"),
        # Deep, its path said as Python indexes it (the walk builds it once found: `_unjson`)
        ({"a": [1, {"b": [None, {3}]}]}, f"v['a'][1]['b'][1] is a set, {_INSTEAD}"),
        ([[1], {"k": {"x": 1, (1,): 2}}], f"v[1]['k'] has the key (1,) (a tuple), {_INSTEAD}"),
        ([[0, 1], [[0, 1]], {"k": [2, frozenset()]}], f"v[2]['k'][1] is a frozenset, {_INSTEAD}"),
        ([*range(1000), {1}], f"v[1000] is a set, {_INSTEAD}"),
        (
            "\ud800",
            "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed",
        ),
    ],
)
def test_a_value_json_cannot_hold_is_refused_saying_where_it_is(value: Any, said: str) -> None:
    # The refusal names the place and what to store instead, found by type (json's own words
    # are left only for a string that cannot encode): the same words whichever encoder wrote.
    with pytest.raises(ResponseError) as info:
        base._encode_sized("v", value, decoded=True)
    assert str(info.value) == f"attribute 'v' cannot be saved as JSON: {said}"


def test_past_the_values_searched_nan_or_a_loop_is_refused_in_jsons_words() -> None:
    # Where is searched for through 100,000 values at most (as_written._MAX_LOOKED_AT: a save
    # refused must not hold a worker for a value of millions); past them, json's own words.
    looping: list[Any] = [*range(100_001)]
    looping.append(looping)
    nan = float("nan")
    for value, words in [
        ([*range(100_000), nan], "Out of range float values are not JSON compliant"),
        (looping, "Circular reference detected"),
    ]:
        with pytest.raises(ResponseError) as info:
            base._encode_sized("v", value, decoded=True)
        assert str(info.value).startswith(f"attribute 'v' cannot be saved as JSON: {words}")
    # (within them, where it is: the bound decides, not the list's length)
    with pytest.raises(ResponseError) as info:
        base._encode_sized("v", [*range(99_000), nan], decoded=True)
    assert str(info.value).startswith("attribute 'v' cannot be saved as JSON: v[99000] is nan,")


def test_encoding_a_value_builds_no_json_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # json.dumps with keyword arguments built a JSONEncoder at each call: at each value of each
    # load and save. One is built once, with the module, and reused.
    built: list[json.JSONEncoder] = []

    class Counted(json.JSONEncoder):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(json, "JSONEncoder", Counted)
    for value, text in ENCODED:
        assert base._encode("v", value) == text
    assert built == []


@pytest.mark.anyio
async def test_whether_a_store_adds_increments_is_read_once_for_its_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each save with an increment read the signature of the store's `update` anew (~11 µs a
    # save): it is read once for each `update` function, and anew for one put in its place.
    import inspect

    from .store_shared import _envelope

    class Adding(MemoryStore):
        async def update(
            self, key: str, changes: Any, deleted: Any, increments: Any = None
        ) -> None:
            await super().update(key, changes, deleted, increments)

    async def no_increments(key: str, changes: Any, deleted: Any) -> None:
        raise AssertionError("an increment given to an update that takes none")

    store = Adding()
    read: list[object] = []
    signature = inspect.signature

    def counted(obj: Any, *args: Any, **kwargs: Any) -> inspect.Signature:
        if obj == store.update or obj is no_increments:
            read.append(obj)
        return signature(obj, *args, **kwargs)

    monkeypatch.setattr(inspect, "signature", counted)
    for _ in range(2):
        attributes = await Attributes.load(store, _envelope("user"))
        attributes.increment("visits")
        assert await attributes.save()
    assert await store.load("user") == {"visits": 2} and len(read) == 1
    monkeypatch.setattr(store, "update", no_increments)
    attributes.increment("visits")
    with pytest.raises(ConfigurationError, match=r"Adding\.update takes no increments"):
        await attributes.save()
    assert read[1:] == [no_increments]
