"""What a store of one's own loads that no attributes hold: refused at the load, in the words of
a load (the store named), never as if the handler had set it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from alexaskill.exceptions import StoreError
from alexaskill.store import Attributes, DeviceAttributes, PersonAttributes

from .store_shared import _envelope


class _Loading:
    """A store of one's own, the least there is, whose ``load`` returns ``stored``."""

    def __init__(self, stored: dict[str, Any]) -> None:
        self.stored = stored

    async def load(self, key: str) -> dict[str, Any]:
        return dict(self.stored)

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        pass

    async def aclose(self) -> None:
        pass


def _holding_itself() -> list[Any]:
    held: list[Any] = []
    held.append(held)
    return held


_NOT_UTF8 = (
    r"'utf-8' codec can't encode character '\\ud800' in position \d+: surrogates not allowed"
)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", [Attributes, PersonAttributes, DeviceAttributes])
@pytest.mark.parametrize(
    ("stored", "said"),
    [
        (
            {"ok": 1, "name\ud800": 1},
            rf"^_Loading\.load: a stored attribute name is not UTF-8 \({_NOT_UTF8}\): delete it$",
        ),
        (
            {"ok": 1, "name": "x\ud800"},
            r"^_Loading\.load: the stored value of attribute 'name' is not JSON Alexa attributes "
            rf"can hold \({_NOT_UTF8}\)",
        ),
        (
            {"name": [{"k\ud800": 1}]},
            r"^_Loading\.load: the stored value of attribute 'name' is not JSON Alexa",
        ),
    ],
)
async def test_a_name_or_value_loaded_holding_half_a_surrogate_pair_is_refused_as_a_load(
    kind: type[Attributes], stored: dict[str, Any], said: str
) -> None:
    # A store of one's own loading a name or value that holds half a surrogate pair (no UTF-8:
    # text read with surrogateescape, a string cut short) made every request of that user fail
    # with ResponseError "attribute '…' cannot be saved as JSON", blaming the handler, which set
    # nothing. The stores here refuse it at the load (a `StoreError`, one log line and the
    # apology): so is it now, whatever the store, in their words.
    with pytest.raises(StoreError, match=said):
        await kind.load(_Loading(stored), _envelope("user"))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "why"),
    [
        # (where, as a save says it: it was json's "Out of range float values are not JSON
        # compliant" and "Circular reference detected")
        ({"tags": [float("nan")]}, r"tags\[0\] is nan"),
        ({"tags": _holding_itself()}, r"tags\[0\] is tags again: it holds itself"),
    ],
)
async def test_a_loaded_value_no_json_holds_is_refused_as_a_load(
    stored: dict[str, Any], why: str
) -> None:
    # A value a store of one's own loads that JSON cannot hold (NaN, a list holding itself; a
    # set: below; one written out past a save's bound: test_store_shared_values.py) failed each
    # request of that user with ResponseError "attribute 'tags' cannot be saved", blaming the
    # handler, which set nothing and could not mend it (the load fails before it runs): the
    # load's, as half a surrogate pair is, in the words of the stores here.
    said = (
        r"^_Loading\.load: the stored value of attribute 'tags' is not JSON Alexa attributes "
        rf"can hold \({why}.*\): written by another program\? correct it, or delete the attribute$"
    )
    with pytest.raises(StoreError, match=said):
        await Attributes.load(_Loading(stored), _envelope("user"))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "kind"),
    [
        ({"ok": 1, "tags": {1, 2}}, "a set"),
        ({"tags": [frozenset()]}, "a frozenset in tags[0]"),  # (where, as a key's is said)
        ({"tags": b"x"}, "bytes"),  # (a plural: "holds a bytes" read as a typo)
        # A key json's encoder refuses is said in other words ("keys must be str, int, float,
        # bool or None, not tuple"), which the refusal, reading json's, did not know.
        ({"tags": {"a": 1, (1, 2): "x"}}, "a tuple as a dict key"),
        ({"tags": [{b"k": 1}]}, "bytes as a dict key in tags[0]"),
        ({"tags": bytearray(b"x")}, "a bytearray"),
        # Its article by the name's sound: "holds a ellipsis", "a object" read as typos.
        ({"tags": [...]}, "an ellipsis in tags[0]"),
        ({"tags": {"a": object()}}, "an object in tags['a']"),
    ],
)
async def test_a_loaded_value_of_a_type_json_has_not_is_said_as_that_type(
    stored: dict[str, Any], kind: str
) -> None:
    # A set the store's load returned was said as "the stored value of attribute 'tags' is not
    # JSON Alexa attributes can hold (Object of type set is not JSON serializable): written by
    # another program?": json's words for its encoder, and a guess at a program that wrote no
    # set (the load made it). Said as what was loaded, and what the load may return.
    with pytest.raises(StoreError) as info:
        await Attributes.load(_Loading(stored), _envelope("user"))
    assert str(info.value) == (
        f"_Loading.load: the value loaded for attribute 'tags' holds {kind}, which JSON cannot "
        "hold: make the load return JSON's types (dict, list, str, int, float, bool, None), or "
        "delete the attribute"
    )


@pytest.mark.anyio
@pytest.mark.parametrize("kind", [Attributes, PersonAttributes, DeviceAttributes])
@pytest.mark.parametrize(
    ("stored", "said"),
    [
        (
            {"ok": 1, 1: "x"},
            "the attribute name 1 (an int) loaded is no string (attributes are a JSON object, its "
            "keys strings): make the load return str names, or delete the attribute",
        ),
        (
            {True: "x"},
            "the attribute name True (a bool) loaded is no string (attributes are a JSON object, "
            "its keys strings): make the load return str names, or delete the attribute",
        ),
        (
            {"ok": {"": 1}, "score": {"a": 1, 2: "x"}},
            "the value loaded for attribute 'score' has the key 2 (an int), and JSON keys are "
            "strings (it would be saved as '2'): make the load return str keys, or delete the "
            "attribute",
        ),
        (
            {"games": [{"a": [{"won": 1}, {None: 2}]}]},
            "the value loaded for attribute 'games' has the key None in "
            "games[0]['a'][1], and JSON keys are strings (it would be saved as 'null'): make "
            "the load return str keys, or delete the attribute",
        ),
    ],
)
async def test_a_name_or_a_key_loaded_that_is_no_string_is_refused_as_a_load(
    kind: type[Attributes], stored: dict[Any, Any], said: str
) -> None:
    # Attributes are a JSON object, its keys strings, at any depth. A store of one's own
    # loading an attribute name that was no string was refused as the skill's mistake
    # (ConfigurationError, a failed request and its traceback), not as the user's data a load
    # found (a StoreError: one line, the apology); and a key that was no string in a value was
    # taken, its attribute, once changed, refused at the app's save as if the handler had set
    # it (`check_saves`: "cannot be saved as JSON"). ("" is a string JSON holds: taken.)
    with pytest.raises(StoreError) as info:
        await kind.load(_Loading(stored), _envelope("user"))
    assert str(info.value) == f"_Loading.load: {said}"


@pytest.mark.anyio
async def test_a_long_name_and_key_loaded_are_quoted_cut() -> None:
    # A 5,000-character name and a key of 5,000 characters on the path were each quoted whole,
    # the name twice: a message of 15,000 characters.
    name, key = "n" * 5000 + "END", "k" * 5000 + "END"
    with pytest.raises(StoreError) as info:
        await Attributes.load(_Loading({name: {key: {2: 1}}}), _envelope("user"))
    message = str(info.value)
    assert "the value loaded for attribute 'nnnn" in message and "kkkk" in message, message
    assert "has the key 2 (an int)" in message and len(message) < 1000, message
