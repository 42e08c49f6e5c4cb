"""What every store refuses of its caller's arguments, in one wording: a str given for the names
to delete, a key past DynamoDB's 2,048 bytes."""

from __future__ import annotations

import re

import pytest

from alexaskill.store import Store

from .store_shared import each_store_fixture  # noqa: F401


@pytest.mark.anyio
async def test_every_store_refuses_a_str_for_the_names_to_delete(store: Store) -> None:
    # A str is an iterable of str: deleted="abc" deleted the three names "a", "b" and "c" in
    # every store, and not "abc".
    await store.update("user", {"a": 1, "b": 2, "c": 3, "abc": 4}, ())
    with pytest.raises(TypeError, match=r"^deleted is a collection of attribute names, not a str"):
        await store.update("user", {}, "abc")
    assert await store.load("user") == {"a": 1, "b": 2, "c": 3, "abc": 4}
    check = getattr(store, "check_update", None)
    if check is not None:
        with pytest.raises(TypeError, match=r"^deleted is a collection"):
            check({}, "abc")
    await store.update("user", {}, ["abc"])  # the way to delete one name
    assert await store.load("user") == {"a": 1, "b": 2, "c": 3}


@pytest.mark.anyio
async def test_every_store_quotes_a_long_str_for_the_names_to_delete_cut_short(
    store: Store,
) -> None:
    # The TypeError quoted the whole str given: a str of a megabyte (a value, passed where the
    # names were meant) made a message, and a log line, of a megabyte, in every store. Cut as
    # every error cuts a value (`shown_value`): its head and its tail, which its start alone
    # (60 characters) left unsaid.
    await store.update("user", {"a": 1}, ())
    given = "x" * 999_990 + "the end..."
    said_by = []
    with pytest.raises(TypeError) as caught:
        await store.update("user", {}, given)
    said_by.append(str(caught.value))
    check = getattr(store, "check_update", None)
    if check is not None:
        with pytest.raises(TypeError) as caught:
            check({}, given)
        said_by.append(str(caught.value))
    for said in said_by:
        assert said.startswith("deleted is a collection of attribute names, not a str ('xxx")
        assert f"('{'x' * 70}…{'x' * 20}the end...' (1,000,000 characters))" in said
        assert len(said) < 250, len(said)
    assert await store.load("user") == {"a": 1}


@pytest.mark.anyio
async def test_every_store_refuses_a_key_past_dynamodb_s_2048_bytes_in_one_wording(
    store: Store,
) -> None:
    # DynamoDB alone refused a key over 2,048 bytes (its partition key's limit), in a StoreError
    # of its service's words: a skill whose own code made such keys, tested on memory or SQLite,
    # failed only in production. Now every store refuses one, before any I/O, in one wording.
    from alexaskill.exceptions import ResponseError

    longest = "k" * 2046 + "é"  # 2,048 bytes of UTF-8, 2,047 characters
    await store.update(longest, {"a": 1}, ())
    assert await store.load(longest) == {"a": 1}
    for key, size in (("k" * 2049, "2,049"), ("é" * 1025, "2,050")):
        said = (
            rf"^attributes are kept under a key of at most 2,048 bytes \(UTF-8\), DynamoDB's "
            rf"limit for a partition key, which every store keeps: not one of {size} bytes"
        )
        with pytest.raises(ResponseError, match=said):
            await store.update(key, {"a": 1}, ())
        with pytest.raises(ResponseError, match=said):
            await store.load(key)


@pytest.mark.anyio
async def test_a_str_for_the_names_to_delete_is_given_back_as_one_name_unless_cut(
    store: Store,
) -> None:
    # The advice quotes the str as the one name to delete while it is quoted whole: past 60
    # characters, it was "give a list" though the name was quoted whole up to 120.
    for length, advice in ((100, "give ['" + "n" * 100 + "'] to delete"), (121, "give a list")):
        with pytest.raises(TypeError, match=re.escape(advice)):
            await store.update("user", {}, "n" * length)
