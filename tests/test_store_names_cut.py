"""An attribute's name (a skill may name one after what the user said), a dict key in its value
and where in it a fault is, as a save's refusal quotes them: cut as alexaskill/shown_names.py
cuts a long value. A name of 5,000 characters, well under the stores' 64 KB, was quoted whole,
twice where the message said the name and the place in its value."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.shown_names import shown_value
from alexaskill.store import MemoryStore

#: A name of 5,000 characters, its end unlike its head.
LONG = "n" * 5000 + "END"


def _refusal(changes: dict[str, Any], increments: dict[str, int] | None = None) -> str:
    async def save() -> None:
        await MemoryStore().update("user", changes, (), increments=increments)

    with pytest.raises(ResponseError) as raised:
        anyio.run(save)
    return str(raised.value)


@pytest.mark.parametrize(
    ("changes", "increments"),
    [
        ({LONG: 1}, {LONG: 1}),  # set and incremented
        ({}, {LONG: 10**18 + 1}),  # an increment past Redis's 64 bits
        ({}, {LONG + "\ud800": 1}),  # a name of half a surrogate pair
        ({LONG: {"a": {"": 1}}}, None),  # an empty key in its value
        ({LONG: {"a": {1: 1}}}, None),  # a key no str
        ({LONG: [10**200]}, None),  # a number past DynamoDB's
        ({LONG: "x" * 410_000}, None),  # past DynamoDB's 400 KB an item
    ],
    ids=[
        "set-and-incremented",
        "increment-range",
        "surrogate",
        "empty-key",
        "key-no-str",
        "number",
        "item-size",
    ],
)
def test_a_long_attribute_name_is_quoted_cut(
    changes: dict[str, Any], increments: dict[str, int] | None
) -> None:
    message = _refusal(changes, increments)
    assert LONG[:60] in message and LONG not in message, message
    assert len(message) < 1000, message


@pytest.mark.parametrize("key", ["k" * 5000 + "END", ("k" * 5000,)], ids=["empty-deep", "tuple"])
def test_a_long_key_in_an_attribute_s_value_is_quoted_cut(key: Any) -> None:
    # The place said (v[key]…) and the key JSON has no string for, each cut.
    value = {key: {"": 1}} if isinstance(key, str) else {key: 1}
    message = _refusal({"v": value})
    assert "kkkkk" in message and "k" * 5000 not in message, message
    assert len(message) < 1000, message
    if not isinstance(key, str):
        assert shown_value(key) in message, message


def _loaded_refusal(stored: dict[str, Any], increment: Any) -> str:
    async def save() -> None:
        store = MemoryStore()
        await store.update("user", stored, ())
        await store.update("user", {}, (), increments=increment)

    with pytest.raises(ResponseError) as raised:
        anyio.run(save)
    return str(raised.value)


@pytest.mark.parametrize(
    "refusal",
    [
        lambda: _refusal({}, {LONG: "x"}),  # type: ignore[dict-item]  # (an increment no int)
        lambda: _loaded_refusal({LONG: "x"}, {LONG: 1}),  # a stored value no int
        lambda: _loaded_refusal({LONG: 2**63 - 1}, {LONG: 1}),  # one past Redis's 64 bits
    ],
    ids=["increment-no-int", "stored-no-int", "stored-too-large"],
)
def test_a_long_attribute_name_in_an_increment_refused_is_quoted_cut(refusal: Any) -> None:
    # The increment's three refusals (`data_faults`' templates) quoted the name whole.
    message = refusal()
    assert LONG[:60] in message and LONG not in message, message
    assert len(message) < 1000, message


def test_a_long_attribute_name_in_an_increment_refused_by_the_attributes_is_quoted_cut() -> None:
    from alexaskill.store import Attributes

    attributes = Attributes({LONG: "x"})
    steps: tuple[Any, ...] = ("x", 1)  # an increment no int; the value held no int
    for by in steps:
        with pytest.raises(ResponseError) as raised:
            attributes.increment(LONG, by)
        message = str(raised.value)
        assert LONG[:60] in message and LONG not in message, message
        assert len(message) < 1000, message


@pytest.mark.parametrize("name", [b"n" * 5000, ("n" * 5000,)], ids=["bytes", "tuple"])
def test_a_long_name_that_is_no_str_is_quoted_cut(name: Any) -> None:
    # `data_faults._not_a_name` quoted it whole ({name!r}), in a save and in an increment.
    from alexaskill.store import Attributes

    with pytest.raises(ResponseError) as raised:
        Attributes().increment(name)
    for message in (_refusal({name: 1}), str(raised.value)):
        assert "nnnnn" in message and "n" * 5000 not in message, message
        assert len(message) < 1000, message


def test_a_long_attribute_name_in_redis_s_refusal_of_a_save_past_its_bulk_length_is_cut() -> None:
    # `redis_script._too_large` names the largest attribute of a save Redis refused for its
    # size: quoted whole ({largest!r}) before 9292a81e, which no test held.
    pytest.importorskip("redis")
    from redis.exceptions import ConnectionError, ResponseError

    from alexaskill.store.redis_script import _too_large

    encoded = {LONG: "x" * (1024 * 1024)}  # (past the least bulk length a Redis is set to)
    refused = ResponseError("Protocol error: invalid bulk length")
    for cause, was_refused in ((refused, True), (ConnectionError("gone"), False)):
        message = _too_large("Redis", encoded, cause, refused=was_refused)
        assert message is not None
        assert LONG[:60] in message and LONG not in message, message
        assert len(message) < 1000, message


#: An int whose text Python refuses (past 4,300 digits); and one of 4,001 digits, within.
HUGE = 10**5000
LONG_INT = 10**4000


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (HUGE, "v is"),
        ([1, -HUGE], "v[1] is"),
        ({"a": {"b": HUGE}}, "v['a']['b'] is"),
        ({HUGE: 1}, "v has the key"),
        ({"a": {LONG_INT: 1}}, "v['a'] has the key"),
    ],
    ids=["value", "in-list", "in-dict", "key", "key-long"],
)
def test_an_int_too_long_for_its_text_is_refused_where_it_is(value: Any, where: str) -> None:
    # An int past Python's 4,300 digits was refused in its words, "Exceeds the limit (4300
    # digits) for integer string conversion; use sys.set_int_max_str_digits() …", saying
    # neither where it was nor that no store keeps it; a key of 4,001 digits was quoted whole.
    message = _refusal({"v": value})
    assert message.startswith(f"attribute 'v' cannot be saved as JSON: {where} "), message
    assert "set_int_max_str_digits" not in message, message
    assert "integer of more than 4,300 digits" in message or "…" in message, message
    assert len(message) < 1000, message


def test_a_loaded_key_too_long_for_its_text_is_refused_in_its_words() -> None:
    # The refusal of a key no str that a store of one's own loaded raised json's ValueError
    # for one past Python's digits, and quoted one of 4,001 digits whole.
    from alexaskill.exceptions import StoreError
    from alexaskill.store.json_keys import _loaded_key_refused

    for key in (HUGE, LONG_INT):
        with pytest.raises(StoreError) as raised:
            _loaded_key_refused("MyStore.load", {"v": "{}"}, {"v": {key: 1}})
        message = str(raised.value)
        assert "JSON keys are strings" in message, message
        assert len(message) < 1000, message
