"""What every store refuses of its caller's arguments, in one wording: a str given for the names
to delete, a key past DynamoDB's 2,048 bytes."""

from __future__ import annotations

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
