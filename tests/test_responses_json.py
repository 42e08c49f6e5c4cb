"""Tests for alexaskill.responses: values JSON would change, in what a handler writes as a mapping
(refused naming the value and where it is; the fast look and the naming walk agree)."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from types import MappingProxyType
from typing import Any

import msgspec
import pytest

from alexaskill.directives import APL as TypedAPL
from alexaskill.exceptions import ResponseError
from alexaskill.responses import AskForPermissionsConsentCard, Response, encode_response, speak
from tests.responses_shared import NotJson, wire

pytestmark = pytest.mark.oldest_dependencies

# --- values JSON would change, in what a handler writes as a mapping ----------------------------


class _OrderedSet(set[int]):
    """A set of the skill's own."""


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (float("nan"), r"\['v'\] is nan: JSON has no such number, and Alexa would get null"),
        ({"n": [1, float("-inf")]}, r"\['v'\]\['n'\]\[1\] is -inf: JSON has no such number"),
        (
            {1: "a"},
            r"\['v'\] has the key 1 \(an int\): JSON keys are strings, and Alexa would get '1'",
        ),
        (b"ab", r"\['v'\] is bytes: Alexa would get it as base64 text"),
        # With its article, as a set's ("is bytearray:" was said); bytes, a plural, without.
        ([bytearray(b"a")], r"\['v'\]\[0\] is a bytearray: Alexa would get it as base64 text"),
        (memoryview(b"a"), r"\['v'\] is a memoryview: Alexa would get it as base64 text"),
        ({"s": {2, 1}}, r"\['v'\]\['s'\] is a set: Alexa would get a list in no set order"),
        (frozenset({1}), r"\['v'\] is a frozenset: Alexa would get a list"),
        # A subclass's name with its article ("is a OrderedSet" was said).
        (_OrderedSet({1}), r"\['v'\] is an _OrderedSet: Alexa would get a list"),
    ],
)
def test_a_mapping_json_would_change_is_refused_naming_the_value(value: Any, said: str) -> None:
    # NaN went as null, {1: "a"} as {"1": "a"}, bytes as base64, a set as a list: Alexa got
    # something else than the handler wrote, without a word.
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\.Thing\){said}"):
        speak("x", directives=[{"type": "Custom.Thing", "v": value}])
    with pytest.raises(ResponseError, match=rf"^apiResponse{said}"):
        Response(api_response={"v": value})
    with pytest.raises(
        ResponseError, match=rf"^Alexa\.Presentation\.APL\.RenderDocument document{said}"
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )
    with pytest.raises(ResponseError, match=r"^directives\[0\] \(Custom\.Thing\) has the key 2"):
        speak("x", directives=[{"type": "Custom.Thing", 2: "b"}])  # type: ignore[dict-item]


def test_a_mapping_json_spells_its_own_way_goes_as_ever() -> None:
    # A tuple, a date, a UUID, a str Enum member have no other spelling: not refused.
    class Color(enum.StrEnum):
        RED = "red"

    written = {
        "type": "Custom.Thing",
        "t": (1, 2.5),
        "on": datetime.date(2026, 1, 2),
        "id": uuid.UUID(int=1),
        "color": Color.RED,
        "deep": [{"x": None, "y": float("1e300")}],
    }
    assert wire(speak("x", directives=[written]))["directives"][0] == {
        "type": "Custom.Thing",
        "t": [1, 2.5],
        "on": "2026-01-02",
        "id": "00000000-0000-0000-0000-000000000001",
        "color": "red",
        "deep": [{"x": None, "y": 1e300}],
    }


def test_a_handler_writing_nan_in_a_directive_is_its_error() -> None:
    from alexaskill import Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hi", directives=[{"type": "Custom.Thing", "score": float("nan")}])

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.status_code == 200
    assert "score" in str(result.handler_error)
    assert result.json["response"].get("directives") is None


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({True: 1}, r"\['v'\] has the key True \(a bool\), where JSON takes a str"),
        ({"n": [1, NotJson()]}, r"\['v'\]\['n'\]\[1\] is a NotJson"),
        ({(1, 2): "a"}, r"\['v'\] has the key \(1, 2\) \(a tuple\), where JSON takes a str"),
    ],
)
def test_a_value_that_does_not_encode_is_named_where_it_is(value: Any, said: str) -> None:
    # "bool is not JSON-encodable" said of a bool key (a bool value encodes), and no message
    # said where in a large directive or APL document the value was.
    with pytest.raises(
        ResponseError, match=rf"^directives\[0\] \(Custom\) is not JSON-encodable: {said}$"
    ):
        speak("x", directives=[{"type": "Custom", "v": value}])
    with pytest.raises(
        ResponseError,
        match=rf"^Alexa\.Presentation\.APL\.RenderDocument document is not JSON-encodable: {said}$",
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )


def test_an_api_response_that_does_not_encode_is_refused_where_built_naming_where() -> None:
    # It failed only when encoded, as "response is not JSON-encodable: bool is not
    # JSON-encodable", naming neither apiResponse nor the key.
    with pytest.raises(
        ResponseError,
        match=r"^apiResponse is not JSON-encodable: \['a'\] has the key True \(a bool\), where",
    ):
        Response(api_response={"a": {True: 1}})
    with pytest.raises(
        ResponseError,
        match=r"^apiResponse is not JSON-encodable: \['a'\]\[0\] is a NotJson$",
    ):
        Response(api_response={"a": [NotJson()]})


def test_a_str_that_does_not_encode_is_not_said_to_be_of_a_type_json_refuses() -> None:
    # A str holding a lone surrogate (a file name read with surrogateescape) was said to be
    # "of type str", as if JSON took no text; the reason (UTF-8 cannot encode it) went unsaid.
    said = r"\['v'\]\[1\] is a str that does not encode: 'utf-8' codec can't encode"
    with pytest.raises(
        ResponseError, match=rf"^directives\[0\] \(Custom\) is not JSON-encodable: {said}"
    ):
        speak("x", directives=[{"type": "Custom", "v": ["ok", "a\udc80b"]}])
    with pytest.raises(ResponseError, match=rf"^apiResponse is not JSON-encodable: {said}"):
        Response(api_response={"v": ["ok", "a\udc80b"]})


_DEEP = {"a": [{"b": ({"c": (1, [2.5, (datetime.date(2024, 1, 2),)])},)}]}


@pytest.mark.parametrize(
    "value",
    [
        (1, (2, ("x", (True, None)))),
        {"a": [{"b": (datetime.date(2024, 1, 2), uuid.UUID(int=7))}]},
        _DEEP,
    ],
)
def test_a_valid_tuple_or_date_nested_deep_is_accepted_without_the_naming_walk(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A valid value that never equals its decoding (a tuple, a date) was walked by _first, a
    # Python call a value, on every response (~350 us for a 23 KB APL document): a loop over a
    # stack now clears it, and _first runs only to name a value found wrong.
    from alexaskill.responses import as_written

    def no_walk(*args: Any) -> None:
        raise AssertionError("walked to name a value, where none is wrong")

    monkeypatch.setattr(as_written, "_first", no_walk)
    response = speak("x", directives=[{"type": "Custom", "v": value}])
    body = json.loads(encode_response(response))
    assert body["response"]["directives"][0]["v"] == json.loads(msgspec.json.encode(value))
    Response(api_response={"v": value})
    TypedAPL.RenderDocument(
        document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ((1, (2, [float("nan")])), r"\['v'\]\[1\]\[1\]\[0\] is nan: JSON has no such number"),
        (
            {"a": [{"b": ((datetime.date(2024, 1, 2), float("inf")),)}]},
            r"\['v'\]\['a'\]\[0\]\['b'\]\[0\]\[1\] is inf: JSON has no such number",
        ),
        ((1, {"k": ({2: "x"},)}), r"\['v'\]\[1\]\['k'\]\[0\] has the key 2 \(an int\): JSON keys"),
        (((b"x",),), r"\['v'\]\[0\]\[0\] is bytes: Alexa would get it as base64 text"),
        ((1, (frozenset({1}),)), r"\['v'\]\[1\]\[0\] is a frozenset: Alexa would get a list"),
    ],
)
def test_a_value_json_changes_deep_inside_tuples_is_refused_naming_its_path(
    value: Any, said: str
) -> None:
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\){said}"):
        speak("x", directives=[{"type": "Custom", "v": value}])
    with pytest.raises(ResponseError, match=rf"^apiResponse{said}"):
        Response(api_response={"v": value})
    with pytest.raises(
        ResponseError, match=rf"^Alexa\.Presentation\.APL\.RenderDocument document{said}"
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {}, "v": value}, token="t"
        )


class _Float(float):
    pass


class _List(list):  # type: ignore[type-arg]
    pass


class _Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    "value",
    [
        {"v": (1, 2)},
        {"v": (1, float("nan"))},
        {"v": _List([1, (2, float("inf"))])},
        {"v": _List([_Float(1.5)])},
        {"v": [_Float("nan")]},
        {_Color.RED: (1,)},
        {"v": ({"w": {1: 2}},)},
        {"v": (bytearray(b"x"), memoryview(b"y"))},
        {"v": [{"w": {1, 2}}]},
        {"v": (datetime.datetime(2024, 1, 2, 3), uuid.UUID(int=1), decimal.Decimal(2))},
        {"v": (_Color.RED, "s", None, True, -3)},
        float("nan"),
        (1, 2),
    ],
)
def test_the_fast_look_and_the_naming_walk_agree(value: Any) -> None:
    # _unaltered clears a value only where _first would find nothing in it: the same values
    # are refused with it as without it.
    from alexaskill.responses import as_written

    found = as_written._first(value, as_written._altered_key, as_written._altered)
    assert as_written._unaltered(value) is (found is None)


def test_a_directive_written_as_another_mapping_is_refused_as_a_dict_is() -> None:
    # A MappingProxyType (or any Mapping not a dict) holding NaN went out with null, unsaid:
    # the check compared it whole and, finding no dict, looked no further.
    said = r"\['v'\]\[1\] is nan: JSON has no such number, and Alexa would get null"
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\){said}$"):
        speak("x", directives=[MappingProxyType({"type": "Custom", "v": (1, float("nan"))})])
    response = speak("x", directives=[MappingProxyType({"type": "Custom", "v": (1, 2.5)})])
    assert json.loads(encode_response(response))["response"]["directives"] == [
        {"type": "Custom", "v": [1, 2.5]}
    ]


def test_a_key_that_is_no_str_is_refused_naming_the_text_alexa_would_get() -> None:
    from alexaskill.responses.snapshots import _encode as snapshot_encode

    # The message said what str() says: 'Color.RED' for an Enum member and '1e+20' for a
    # float, where the JSON Alexa gets holds "red" and "1e20"; 'write that' then misled.
    for key, sent in ((_Color.RED, "red"), (1e20, "1e20"), (7, "7")):
        with pytest.raises(ResponseError, match=rf"and Alexa would get '{sent}'; write that$"):
            speak("x", directives=[{"type": "Custom", "v": {key: 1}}])
        body = msgspec.json.decode(snapshot_encode({key: 1}))
        assert body == {sent: 1}  # (what the directive's encoder writes, the message says)


def test_a_value_json_changes_nested_deeper_than_python_calls_go_is_refused() -> None:
    # msgspec encodes a little deeper than _first looks (a call a level once, _MAX_DEPTH levels
    # now): there a NaN went out as null, unsaid (the walk's RecursionError was taken for
    # nothing found).
    import sys

    from alexaskill.responses.as_written import check_as_written

    deep: Any = [float("nan")]
    for _ in range(sys.getrecursionlimit() + 50):
        deep = [deep]
    with pytest.raises(ResponseError, match=r"^d holds NaN, .* nested too deeply to say where"):
        check_as_written("d", {"v": deep}, {"v": None})
    fine: Any = [1.5]
    for _ in range(sys.getrecursionlimit() + 50):
        fine = (fine,)
    check_as_written("d", {"v": fine}, {"v": None})  # nothing JSON changes: nothing said


def test_consent_card_permissions_are_no_mapping() -> None:
    # A dict is iterable over its keys: {"alexa::profile:email:read": True} went out as the one
    # scope, its values dropped unsaid (and {"scopes": [...]} as the scope "scopes").
    for written in ({"alexa::profile:email:read": True}, {"scopes": ["alexa::profile:email:read"]}):
        with pytest.raises(
            ResponseError, match=r"card\.permissions must be a list of scopes, not a dict$"
        ):
            AskForPermissionsConsentCard(written)  # type: ignore[arg-type]
