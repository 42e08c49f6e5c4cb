"""A reply that does not encode names where: the path to the first value JSON cannot hold."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import ResponseError, speak
from alexaskill.responses import as_written, encode_response


def _holding_themselves(where: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"name": "Jana"}
    if where == "at the top":
        attributes["self"] = attributes
    elif where == "deep in a list":
        attributes["history"] = {"turns": [1, {"back": [attributes]}]}
    else:  # two containers holding each other, below the attributes
        first: dict[str, Any] = {}
        first["second"] = {"first": first}
        attributes["pair"] = first
    return attributes


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ("at the top", "sessionAttributes['self'] is sessionAttributes again"),
        (
            "deep in a list",
            "sessionAttributes['history']['turns'][1]['back'][0] is sessionAttributes again",
        ),
        (
            "a pair below",
            "sessionAttributes['pair']['second']['first'] is sessionAttributes['pair'] again",
        ),
    ],
)
def test_session_attributes_that_hold_themselves_name_where_the_loop_closes(
    where: str, named: str
) -> None:
    # It said "sessionAttributes is nested too deeply (or holds itself)": which of a few dozen
    # attributes held what, the skill's author had to find alone.
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), _holding_themselves(where))
    assert str(raised.value).startswith(f"{named}: it holds itself"), str(raised.value)


def test_attributes_nested_past_the_searchs_depth_are_refused_for_their_depth() -> None:
    # The walk that names a value gives up past its depth (it said "nested too deeply (or holds
    # itself)", a loop or not): the reply is refused for the depth, measured, as it is nested.
    deep: Any = [{"a", "b"}]
    for _ in range(as_written._MAX_DEPTH + 10):
        deep = [deep]
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), {"deep": deep})
    assert str(raised.value).startswith(
        f"sessionAttributes is nested {as_written._MAX_DEPTH + 12} levels, past the 940"
    ), str(raised.value)
