"""DynamoDBStore's save, one UpdateItem within DynamoDB's limits or refused before it is sent, in
every store's words: 400 KB an item, the numbers and keys DynamoDB cannot keep, a column that
is no map; two kinds of attributes, one beyond DynamoDB, save neither.

The DynamoDB API is moto's server (``moto_endpoint``), or a recording stand-in for a client
where nothing need be sent.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import pytest

from alexaskill import DeviceAttributes, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes

from .conftest import SKILL_ID
from .dynamodb_shared import (
    USER,
    envelope,
    new_table,
)
from .fake_dynamodb import RecordingClient
from .store_shared import MOTO_TIMEOUT

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("beyond", "why"),
    [
        (
            "number",
            "value is 1e+300, outside the numbers every store keeps (DynamoDB's: 38 significant "
            "digits, magnitude from 1E-130 to under 1E+126)",
        ),
        ("nesting", "value nests deeper than 30 levels, which no store keeps (DynamoDB cannot)"),
    ],
)
def test_two_kinds_of_attributes_one_beyond_dynamodb_save_neither(
    dynamodb_endpoint: str, beyond: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The device's value is JSON but beyond DynamoDB (a number out of its range, or nesting
    # too deep): refused, and the user's count, saved just before, stayed: the retry counted
    # twice. The apology and the ERROR line are this refusal's (not a timeout's, say).
    skill = Skill(
        SKILL_ID,
        store=f"dynamodb://{new_table()}?endpoint_url={dynamodb_endpoint}&create_table=true"
        f"&timeout={MOTO_TIMEOUT:g}",  # not the default 3 s: moto answers slowly when loaded
    )

    bad: Any = 1e300
    if beyond == "nesting":
        bad = "leaf"
        for _ in range(31):
            bad = [bad]

    @skill.intent("GetWeather")
    def weather(attributes: Attributes, room: DeviceAttributes) -> Response:
        attributes.increment("n")
        room["value"] = bad
        return speak("saved")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        body = json.loads(anyio.run(skill.answer, envelope()))
    assert body["response"]["outputSpeech"]["text"] == APOLOGY
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert f"attribute 'value' cannot be saved: {why}" in record.getMessage()
    assert anyio.run(skill.store.load, USER) == {}
    anyio.run(skill.store.aclose)


_OPERATORS = r"\b(?:AND|OR|NOT)\b|attribute_\w+|if_not_exists|[+=]"


@pytest.mark.parametrize(
    ("changes", "increments", "deleted", "fits"),
    [
        ({f"k{i}": i for i in range(200)}, {}, [], True),
        ({}, {}, [f"d{i}" for i in range(350)], True),
        ({}, {f"counter{i}": 1 for i in range(50)}, [], True),
        (
            {f"n{i}": i for i in range(40)},
            {f"c{i}": 1 for i in range(40)},
            [f"d{i}" for i in range(99)],
            True,
        ),
        ({f"k{i}": i for i in range(300)}, {}, [], False),
        ({}, {}, [f"d{i}" for i in range(500)], False),
        ({}, {f"counter{i}": 1 for i in range(150)}, [], False),
        ({f"name{i}": "x" * 10 for i in range(150)}, {f"c{i}": i for i in range(150)}, [], False),
    ],
)
@pytest.mark.anyio
async def test_a_save_is_one_update_item_within_dynamodbs_limits_or_refused(
    changes: dict[str, Any], increments: dict[str, int], deleted: list[str], fits: bool
) -> None:
    # DynamoDB refuses an expression over 4 KB or 300 operators. A save beyond them was sent
    # as several UpdateItems (not atomic); it is refused, writing nothing.
    import re

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    if not fits:
        with pytest.raises(ResponseError, match=r"more than one DynamoDB UpdateItem takes"):
            store.check_update(changes, deleted, increments)
        with pytest.raises(ResponseError, match=r"nothing was written.*one attribute"):
            await store.update(USER, changes, deleted, increments=increments)
        assert client.calls == []
        return
    store.check_update(changes, deleted, increments)
    await store.update(USER, changes, deleted, increments=increments)
    [call] = client.calls
    for expression in (call["UpdateExpression"], call["ConditionExpression"]):
        assert len(expression.encode()) <= 4096, len(expression.encode())
        assert len(re.findall(_OPERATORS, expression)) <= 300
    written = set(call["ExpressionAttributeNames"].values())
    assert written == {"attributes", "alexaskill_saved_at", *changes, *increments, *deleted}


@pytest.mark.anyio
async def test_a_save_that_alone_exceeds_400_kb_is_refused_before_it_is_sent() -> None:
    # DynamoDB refuses an item over 400 KB. A save whose own names and text are over it was
    # sent, then refused as a StoreError (a store failure, logged as one), and it passed
    # check_update: a handler's Attributes saved before its DeviceAttributes was refused.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    big = {"history": ["é" * 1000] * 210}  # 420,000 bytes of UTF-8 in the strings alone
    with pytest.raises(ResponseError, match=r"'history'.*400 KB"):
        store.check_update(big, ())
    with pytest.raises(ResponseError, match=r"400 KB.*nothing was written"):
        await store.update(USER, big, ())
    with pytest.raises(ResponseError, match="400 KB"):
        store.check_update({f"n{i}": "x" * 2000 for i in range(210)}, ())
    assert client.calls == []
    # What may fit is sent: DynamoDB measures the whole item, which the store does not know.
    fits = {"history": ["é" * 1000] * 190, "n": list(range(1000))}
    store.check_update(fits, ())
    await store.update(USER, fits, ())
    assert len(client.calls) == 1


_OUTSIDE = (
    "outside the numbers every store keeps (DynamoDB's: 38 significant digits, magnitude from "
    "1E-130 to under 1E+126)"
)


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"x": [1e300]}, f"bad['x'][0] is 1e+300, {_OUTSIDE}"),
        (-1e-131, f"bad is -1e-131, {_OUTSIDE}"),
        (10**38 + 1, f"bad is 100000000000000000000000000000000000001, {_OUTSIDE}"),
        (10**126, f"bad is 1{'0' * 69}…{'0' * 30} (127 characters), {_OUTSIDE}"),
        (
            json.loads("[" * 31 + "]" * 31),
            "bad nests deeper than 30 levels, which no store keeps (DynamoDB cannot)",
        ),
        (
            [{"a": {"": 1}}],
            "bad[0]['a'] has the key '' (empty), and no store keeps an empty name "
            "(DynamoDB cannot)",
        ),
    ],
)
@pytest.mark.anyio
async def test_what_dynamodb_cannot_keep_is_refused_in_every_stores_words(
    bad: Any, said: str
) -> None:
    # DynamoDB's own checks of numbers, nesting and empty keys (dynamodb/values.py) ran after
    # every store's (store/base.py), which refuse the same values first: these are the words
    # said, in check_update as in update, and nothing is sent.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    with pytest.raises(ResponseError) as checked:
        store.check_update({"fine": 1, "bad": bad}, ())
    assert str(checked.value) == f"attribute 'bad' cannot be saved: {said}"
    with pytest.raises(ResponseError) as updated:
        await store.update(USER, {"fine": 1, "bad": bad}, ())
    assert str(updated.value) == str(checked.value)
    assert client.calls == []


@pytest.mark.anyio
async def test_a_value_holding_an_empty_dict_key_is_refused_before_it_is_sent() -> None:
    # DynamoDB refuses an empty attribute name at any depth, a map's key inside a value too
    # ("Empty attribute name"). Only an attribute named "" was refused: a dict with a key ""
    # was sent, then refused as a StoreError (a store failure), after check_update passed it.
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    for value in ({"": 1}, [{"a": {"": "x"}}]):
        with pytest.raises(ResponseError, match=r"attribute 'prefs'.*key ''.*empty"):
            store.check_update({"prefs": value}, ())
        with pytest.raises(ResponseError, match=r"attribute 'prefs'.*key ''"):
            await store.update(USER, {"fine": 1, "prefs": value}, ())
    assert client.calls == []
    await store.update(USER, {"prefs": {" ": 1, "a": {"b": ""}}}, ())  # a blank key, an empty value
    assert len(client.calls) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("column", "said"),
    [
        # A type's letters are said by their names, "ess", "en", "ell": "a S" and "a N" were.
        ({"S": "v1"}, "an S"),
        ({"N": "1"}, "an N"),
        ({"L": []}, "an L"),
        ({"SS": ["a"]}, "an SS"),
        ({"B": b"x"}, "a B"),
        ({"BOOL": True}, "a BOOL"),
    ],
)
async def test_a_column_that_is_no_map_is_said_with_what_to_do(
    column: dict[str, Any], said: str
) -> None:
    # Another program's column of the same name (a string, say) failed every load and save of
    # that user with "the 'attributes' column of an item is a S, not a map", and no word of
    # what to do about it.
    class OtherColumn(RecordingClient):
        def get_item(self, **params: Any) -> dict[str, Any]:
            self.calls.append(params)
            return {"Item": {"attributes": column}}

    store = DynamoDBStore("table", client=OtherColumn())
    with pytest.raises(StoreError) as info:
        await store.load(USER)
    message = str(info.value)
    assert f"'attributes' column of an item is {said}, not a map" in message
    assert "attribute_name=" in message
